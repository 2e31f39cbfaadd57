import Foundation

// SwiftPM makes this file the program's `main`, so libFuzzer's driver is started from here
// (its own `main` is not the one linked); it calls `fuzzOneInput` (Entry.swift) per input.

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv) { bytes, count in fuzzOneInput(bytes, count) })
