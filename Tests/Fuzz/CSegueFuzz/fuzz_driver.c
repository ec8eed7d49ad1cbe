#include "fuzz_driver.h"

// SwiftPM links an executable target's entry point as `<Module>_main` (it defines `main` as that
// symbol), which keeps libFuzzer's own `main` out of the link: this one starts libFuzzer's driver
// with the Swift entry point instead.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int SegueFuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
