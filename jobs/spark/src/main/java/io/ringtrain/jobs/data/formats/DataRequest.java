package io.ringtrain.jobs.data.formats;

import java.util.List;

/**
 * What a command asks of an {@link ImageFormat}.
 *
 * @param path               the data: a folder, a file or a Parquet path (local or Hadoop URI)
 * @param trainSplit         for formats with splits (idx, voc): the training split rather than the test split
 * @param classNames         image-folder: class k is the folder named {@code classNames[k]}; null: the sorted folder names
 * @param failOnOtherFolders image-folder: a folder not among {@code classNames} fails; false: its records get label −1
 *                           (a training job that skips bad records drops and reports them)
 * @param imageColumn        parquet: the column of encoded PNG/JPEG bytes
 * @param labelColumn        parquet: the integer label column
 * @param keepStoredLayout   parquet: records already in the DatasetColumns layout are read as stored (evaluate, predict);
 *                           false: only the image and label columns are taken and ids come from the image bytes (training)
 */
public record DataRequest(String path, boolean trainSplit, List<String> classNames, boolean failOnOtherFolders, String imageColumn,
                          String labelColumn, boolean keepStoredLayout) {
}
