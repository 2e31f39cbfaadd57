import Foundation
import FuzzTargets

/// The target `WIREROOM_FUZZ_TARGET` names, looked up once.
let target: @Sendable (Data) -> Void = {
    let name = ProcessInfo.processInfo.environment["WIREROOM_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("set WIREROOM_FUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point (its `main` comes with -sanitize=fuzzer).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    target(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
