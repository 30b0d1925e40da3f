import Foundation
import Notebook

/// The packed-weight product kernel's C sources (`Sources/CPackedGEMM`), noted as files a
/// run read the first time one of its products goes through the kernel's entry point.
///
/// Every chapter links the kernel, but only the runs that multiply by a shared weight
/// (chapter 10's gated cells, chapter 12's layers, the appendix) can have their numbers
/// changed by it. So the site's cache key leaves these files out (`RunKey.recordedWhenUsed`)
/// and each run that used them lists them among its inputs, as it lists its data files:
/// an edit to the kernel re-runs chapters 10 and 12, not chapter 3. The folder is found
/// from this file's own path, which is where the build compiled it from.
enum PackedKernelSources {
    static let noted: Void = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("CPackedGEMM")
        let files = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".c") || file.hasSuffix(".h") {
            Notebook.recordInput(path: folder.appendingPathComponent(file).path)
        }
    }()
}
