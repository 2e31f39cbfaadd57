import Foundation
import FuzzTargets

/// The target `WIREROOM_FUZZ_TARGET` names, looked up at the first input.
let target: @Sendable (Data) -> Void = {
    let name = ProcessInfo.processInfo.environment["WIREROOM_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("set WIREROOM_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

/// What libFuzzer runs for each input (main.swift hands it to the driver).
func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    target(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

/// libFuzzer's own `main` (in its archive, linked by -sanitize=fuzzer) needs this symbol; the
/// program's `main` is main.swift's, which starts the driver itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    fuzzOneInput(bytes, count)
}
