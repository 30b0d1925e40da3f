import Foundation
import Testing
@testable import SafeTensors
@testable import Unrolled

/// The sample tensors in numpy, as `safeTensorsSample` builds them in Swift.
private let numpySample = """
    import numpy as np
    sample = {
        "W_xh": np.array([[0, 1.5, -2], [3.25, 0.1, -0.0078125]], dtype=np.float32),
        "b_h": np.array([0.1, -0.2, 1e300], dtype=np.float64),
        "inputs": np.array([[[0], [-1]], [[2**31 - 1], [-2**31]]], dtype=np.int32),
        "step": np.array(2**40, dtype=np.int64),
        "empty": np.zeros((0,), dtype=np.float32),
        "empty_rows": np.zeros((3, 0), dtype=np.float64),
        "η": np.array([-2**63], dtype=np.int64),
    }
    """

@Suite("SafeTensors with Python's safetensors",
       .enabled(if: Python.hasSafetensors, "needs python3 with numpy and safetensors: pip install numpy safetensors"))
struct SafeTensorsPythonTests {

    @Test("a file written in Swift loads in numpy with the same dtypes, shapes, values and metadata")
    func swiftToNumpy() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("from-swift.safetensors")
        try SafeTensors.write(safeTensorsSample, metadata: ["step": "1000", "corpus": "tiny"], to: url)

        let script = numpySample + """

            import sys
            from safetensors import safe_open
            from safetensors.numpy import load_file
            loaded = load_file(sys.argv[1])
            assert sorted(loaded) == sorted(sample), (sorted(loaded), sorted(sample))
            for name, expected in sample.items():
                array = loaded[name]
                assert array.dtype == expected.dtype, (name, array.dtype, expected.dtype)
                assert array.shape == expected.shape, (name, array.shape, expected.shape)
                assert array.tobytes() == expected.tobytes(), (name, array, expected)
            with safe_open(sys.argv[1], framework="numpy") as f:
                assert f.metadata() == {"step": "1000", "corpus": "tiny"}, f.metadata()
            print("ok", len(loaded))
            """
        let (status, output) = try Python.run(script, arguments: [url.path])
        #expect(status == 0, "python: \(output)")
        #expect(output.hasSuffix("ok 7\n"), "python: \(output)")
    }

    @Test("a file written by numpy's safetensors reads in Swift, and our bytes are identical to it")
    func numpyToSwift() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("from-numpy.safetensors")

        let script = numpySample + """

            import sys
            from safetensors.numpy import save_file
            save_file(sample, sys.argv[1], metadata={"step": "1000"})
            """
        let (status, output) = try Python.run(script, arguments: [url.path])
        try #require(status == 0, "python: \(output)")

        let file = try SafeTensors.read(from: url)
        #expect(file.metadata == ["step": "1000"])
        #expect(file.tensors.count == safeTensorsSample.count)
        for tensor in safeTensorsSample {
            #expect(file[tensor.name] == tensor)
        }
        // Same order, same header text, same padding: byte for byte what the reference writes.
        #expect(try SafeTensors.encode(safeTensorsSample, metadata: ["step": "1000"]) == Data(contentsOf: url))
    }
}
