import Foundation

/// The OpenBLAS kernel sets a check can run the chapters under (`OPENBLAS_CORETYPE`), and
/// which of them this processor can run.
///
/// Each set rounds products differently, and training grows those last bits into other
/// losses and other samples, so a claim about a run must hold under every set a reader's
/// machine may use: the generic `Prescott` kernels (old processors, or an OpenBLAS that
/// does not recognise a new one), `Haswell` (AVX2) and `SkylakeX` (AVX-512). A set needs
/// its instructions: OpenBLAS run with a set the processor lacks stops on an illegal
/// instruction, so those are skipped, and said to be.
public enum OpenBLASKernelSets {
    /// The sets `book verify --kernels` knows, oldest first, with the `/proc/cpuinfo`
    /// flags each needs (Linux calls SSE3 `pni`; SkylakeX's kernels use AVX-512's F, BW,
    /// VL and DQ parts).
    public static let known: [(name: String, flags: [String])] = [
        ("Prescott", ["pni"]),
        ("Haswell", ["avx2", "fma"]),
        ("SkylakeX", ["avx512f", "avx512bw", "avx512vl", "avx512dq"]),
    ]

    /// The split of `requested` into the sets this processor runs and those it cannot,
    /// with why. `cpuFlags` is nil where there is no `/proc/cpuinfo` (not Linux) or it
    /// names no x86 flags (ARM): OpenBLAS's x86 kernel sets do not apply there at all.
    public static func partition(_ requested: [String], cpuFlags: Set<String>?) -> (run: [String], skipped: [String: String]) {
        var run: [String] = [], skipped: [String: String] = [:]
        for name in requested {
            guard let set = known.first(where: { $0.name.lowercased() == name.lowercased() }) else { continue }
            guard let cpuFlags else {
                skipped[set.name] = "OPENBLAS_CORETYPE sets are OpenBLAS's x86-64 kernels; this machine's BLAS has none"
                continue
            }
            let missing = set.flags.filter { !cpuFlags.contains($0) }
            if missing.isEmpty { run.append(set.name) } else { skipped[set.name] = "this processor lacks " + missing.joined(separator: ", ") }
        }
        return (run, skipped)
    }

    /// Parses `--kernels Prescott,Haswell,SkylakeX`; an unknown name is an error naming the known ones.
    public static func parse(_ text: String) throws -> [String] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let unknown = names.filter { name in !known.contains { $0.name.lowercased() == name.lowercased() } }
        guard !names.isEmpty, unknown.isEmpty else {
            throw UnknownKernelSet(text: text, known: known.map(\.name))
        }
        return names.map { name in known.first { $0.name.lowercased() == name.lowercased() }!.name }
    }

    public struct UnknownKernelSet: Error, CustomStringConvertible {
        public var text: String
        public var known: [String]
        public var description: String {
            "--kernels takes OpenBLAS kernel sets separated by commas, from \(known.joined(separator: ", ")); got \"\(text)\""
        }
    }

    /// This processor's flags, from `/proc/cpuinfo` on x86 Linux; nil elsewhere.
    public static func processorFlags(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> Set<String>? {
        guard let cpuinfo else { return nil }
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
            return flags.contains("sse2") ? flags : nil
        }
        return nil
    }
}
