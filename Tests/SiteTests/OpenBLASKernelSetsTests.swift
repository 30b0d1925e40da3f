import Testing
@testable import Site

/// `book verify --kernels`: which OpenBLAS kernel sets a processor can run, and the
/// one line for a name it does not know.
@Test func kernelSetsRunOnlyWhereTheProcessorHasTheirInstructions() throws {
    let all = try OpenBLASKernelSets.parse("prescott, Haswell,SkylakeX")
    #expect(all == ["Prescott", "Haswell", "SkylakeX"])

    let amd: Set<String> = ["sse2", "pni", "avx", "avx2", "fma"]  // pni: Linux's name for SSE3
    let onAMD = OpenBLASKernelSets.partition(all, cpuFlags: amd)
    #expect(onAMD.run == ["Prescott", "Haswell"])
    #expect(onAMD.skipped["SkylakeX"]?.contains("lacks avx512f, avx512bw, avx512vl, avx512dq") == true)

    let intel = amd.union(["avx512f", "avx512bw", "avx512vl", "avx512dq"])
    #expect(OpenBLASKernelSets.partition(all, cpuFlags: intel).run == all)

    let elsewhere = OpenBLASKernelSets.partition(all, cpuFlags: nil)
    #expect(elsewhere.run.isEmpty && elsewhere.skipped.count == 3)

    #expect(throws: OpenBLASKernelSets.UnknownKernelSet.self) { try OpenBLASKernelSets.parse("Haswell,Zen") }
    #expect(throws: OpenBLASKernelSets.UnknownKernelSet.self) { try OpenBLASKernelSets.parse("") }
}

@Test func processorFlagsComeFromCpuinfo() {
    let x86 = "processor\t: 0\nflags\t\t: fpu sse2 pni avx2 fma\n"
    #expect(OpenBLASKernelSets.processorFlags(cpuinfo: x86) == ["fpu", "sse2", "pni", "avx2", "fma"])
    // This machine, whatever it is: an x86 Linux processor runs at least the generic kernels.
    if let here = OpenBLASKernelSets.processorFlags() {
        #expect(OpenBLASKernelSets.partition(["Prescott"], cpuFlags: here).run == ["Prescott"])
    }
    #expect(OpenBLASKernelSets.processorFlags(cpuinfo: "Features\t: fp asimd\n") == nil, "ARM: no x86 kernel sets")
    #expect(OpenBLASKernelSets.processorFlags(cpuinfo: nil) == nil)
}
