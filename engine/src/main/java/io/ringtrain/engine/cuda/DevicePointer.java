package io.ringtrain.engine.cuda;

import org.bytedeco.javacpp.Pointer;

/** A JavaCPP {@link Pointer} at a device address, for bindings (cuBLAS) that take device pointers as Pointer. */
final class DevicePointer extends Pointer {
    DevicePointer(long address) {
        this.address = address;
    }
}
