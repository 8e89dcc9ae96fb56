package io.ringtrain.jobs.cli;

import io.ringtrain.jobs.retrain.ExampleDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.util.concurrent.Callable;

/** {@code ringtrain example-data}: a small date-partitioned dataset for trying {@code ringtrain retrain}. */
@Command(name = "example-data", mixinStandardHelpOptions = true,
        description = "Writes OUT/daily/date=YYYY-MM-DD/ (PNG images + labels, Parquet) and OUT/holdout/ from an IDX folder, "
                + "the layout 'ringtrain retrain' reads.")
final class ExampleDataCommand implements Callable<Integer> {
    @Option(names = "--from", defaultValue = "data/fashion-mnist-sample", description = "IDX folder (default: the bundled Fashion-MNIST sample)")
    String from;
    @Option(names = "--out", required = true, description = "output folder (local path or Hadoop URI)")
    String out;
    @Option(names = "--first-day", defaultValue = "2024-03-01", description = "date of the first partition (default 2024-03-01)")
    String firstDay;
    @Option(names = "--days", defaultValue = "2", description = "number of daily partitions (default 2)")
    int days;
    @Option(names = "--per-day", defaultValue = "300", description = "training images per day (default 300)")
    int perDay;
    @Option(names = "--holdout", defaultValue = "300", description = "holdout images, from the test split (default 300)")
    int holdout;
    @Option(names = "--master", description = "Spark master (default local[2])")
    String master;

    @Override
    public Integer call() {
        LocalDate first;
        try {
            first = LocalDate.parse(firstDay);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--first-day " + firstDay + " is not a date: expected YYYY-MM-DD", e);
        }
        if (days < 1 || perDay < 1 || holdout < 1) {
            throw new IllegalArgumentException("--days, --per-day and --holdout must be ≥ 1 (got " + days + ", " + perDay + ", " + holdout + ")");
        }
        ExampleDataset.write(SparkSessions.getOrCreate("ringtrain example-data", master, 2), from, out, first, days, perDay, holdout);
        System.out.println("wrote " + days + " day(s) × " + perDay + " images to " + out + "/daily and " + holdout + " to " + out + "/holdout");
        return 0;
    }
}
