import Foundation
import Testing
@testable import SafeTensors
@testable import Unrolled

private typealias Tensor = SafeTensors.Tensor

// MARK: - Helpers

/// A fresh empty folder under the system's temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("unrolled-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The bytes of a file with this header text (unpadded) followed by `data`.
private func fileBytes(header: String, data: [UInt8] = []) -> Data {
    var bytes = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: Array(header.utf8))
    bytes.append(contentsOf: data)
    return bytes
}

/// The problem `decode` reports for `bytes`, or nil when they decode.
private func problem(decoding bytes: Data) -> SafeTensorsError.Problem? {
    do {
        _ = try SafeTensors.decode(bytes, source: "x.safetensors")
        return nil
    } catch {
        #expect(error.file == "x.safetensors")
        return error.problem
    }
}

/// One tensor of every dtype, including a scalar and empty tensors. The Python cross-check
/// builds the same tensors in numpy: keep the two lists equal.
let safeTensorsSample: [SafeTensors.Tensor] = [
    Tensor(name: "W_xh", shape: [2, 3], floats: [0, 1.5, -2, 3.25, 0.1, -0.0078125]),
    Tensor(name: "b_h", shape: [3], doubles: [0.1, -0.2, 1e300]),
    Tensor(name: "inputs", shape: [2, 2, 1], int32s: [0, -1, .max, .min]),
    Tensor(name: "step", shape: [], int64s: [1 << 40]),
    Tensor(name: "empty", shape: [0], floats: []),
    Tensor(name: "empty_rows", shape: [3, 0], doubles: []),
    Tensor(name: "η", shape: [1], int64s: [.min]),
]

// MARK: - Round trips and layout

@Suite("SafeTensors")
struct SafeTensorsTests {

    @Test("every dtype, scalar and empty shapes and metadata survive a round trip through a file")
    func roundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        let metadata = ["step": "1000", "note": "quotes \" backslash \\ newline \n tab \t bell \u{7} ünïcode"]

        try SafeTensors.write(safeTensorsSample, metadata: metadata, to: url)
        let file = try SafeTensors.read(from: url)

        #expect(file.metadata == metadata)
        #expect(file.tensors.count == safeTensorsSample.count)
        for tensor in safeTensorsSample {
            #expect(file[tensor.name] == tensor)
        }
        #expect(try file.tensor(named: "W_xh").floats == [0, 1.5, -2, 3.25, 0.1, -0.0078125])
        #expect(try file.tensor(named: "step", shape: []).int64s == [1 << 40])
        #expect(try file.tensor(named: "inputs").int32s == [0, -1, .max, .min])
        #expect(try file.tensor(named: "b_h").doubles == [0.1, -0.2, 1e300])
    }

    @Test("a checkpoint of hidden size 512 (about 1.4 million values) round-trips")
    func large() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("large.safetensors")
        let (V, H) = (65, 512)
        let tensors = [
            Tensor(name: "W_xh", shape: [V, H], floats: (0..<(V * H)).map { Float($0 % 1000) / 1000 }),
            Tensor(name: "W_hh", shape: [H, H], floats: (0..<(H * H)).map { -Float($0 % 777) }),
            Tensor(name: "W_hy", shape: [H, V], floats: (0..<(H * V)).map { Float($0) }),
            Tensor(name: "adagrad.W_hh", shape: [H, H], doubles: (0..<(H * H)).map { Double($0) * 1e-3 }),
            Tensor(name: "adam.W_hh", shape: [2, H, H], doubles: (0..<(2 * H * H)).map { 1 / Double($0 + 1) }),
        ]
        let clock = ContinuousClock()
        let start = clock.now
        try SafeTensors.write(tensors, metadata: ["hidden": "\(H)"], to: url)
        let file = try SafeTensors.read(from: url)
        print("wrote and read \(try FileManager.default.attributesOfItem(atPath: url.path)[.size] ?? 0) bytes in \(clock.now - start)")
        for tensor in tensors {
            #expect(file[tensor.name] == tensor)
        }
    }

    @Test("no tensors and no metadata is a valid 16-byte file")
    func emptyFile() throws {
        let bytes = try SafeTensors.encode([])
        #expect(Array(bytes) == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        let file = try SafeTensors.decode(bytes, source: "empty")
        #expect(file.tensors.isEmpty && file.metadata.isEmpty)
    }

    @Test("NaN, infinities, negative zero and subnormals keep their exact bits")
    func specialValues() throws {
        let floats: [Float] = [.nan, -.infinity, .infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let doubles: [Double] = [.signalingNaN, -.infinity, -0.0, .leastNonzeroMagnitude]
        let bytes = try SafeTensors.encode([
            Tensor(name: "f", shape: [6], floats: floats),
            Tensor(name: "d", shape: [2, 2], doubles: doubles),
        ])
        let file = try SafeTensors.decode(bytes, source: "special")
        #expect(try file.tensor(named: "f").floats.map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(try file.tensor(named: "d").doubles.map(\.bitPattern) == doubles.map(\.bitPattern))
    }

    @Test("the header is compact JSON, padded with spaces to 8 bytes, values little-endian")
    func byteLayout() throws {
        let bytes = try SafeTensors.encode([Tensor(name: "attn.0", shape: [1, 2, 3], floats: [0, 1, 2, 3, 4, 5])])
        let header = #"{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}"#
        #expect(header.utf8.count == 64)  // already a multiple of 8: no padding
        #expect(Array(bytes.prefix(8)) == [64, 0, 0, 0, 0, 0, 0, 0])
        #expect(String(decoding: bytes[8..<72], as: UTF8.self) == header)
        #expect(Array(bytes[72..<80]) == [0, 0, 0, 0, 0, 0, 0x80, 0x3F])  // 0.0f, 1.0f
        #expect(bytes.count == 72 + 24)

        let withMetadata = try SafeTensors.encode([], metadata: ["framework": "pt"])
        #expect(String(decoding: withMetadata.dropFirst(8), as: UTF8.self) == #"{"__metadata__":{"framework":"pt"}}"# + "     ")
    }

    @Test("the header is padded so the data starts at a multiple of 8", arguments: 1...9)
    func padding(nameLength: Int) throws {
        let name = String(repeating: "w", count: nameLength)
        let bytes = try SafeTensors.encode([Tensor(name: name, shape: [1], doubles: [1])])
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect((8 + headerLength) % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 8)
        #expect(bytes[8 + headerLength - 1] == UInt8(ascii: " ") || bytes[8 + headerLength - 1] == UInt8(ascii: "}"))
    }

    @Test("tensors are laid out by decreasing alignment (I64, F64, F32, I32), then by name")
    func order() throws {
        let bytes = try SafeTensors.encode([
            Tensor(name: "a32", shape: [1], int32s: [1]),
            Tensor(name: "b", shape: [1], floats: [2]),
            Tensor(name: "a", shape: [1], floats: [3]),
            Tensor(name: "z64", shape: [1], doubles: [4]),
            Tensor(name: "i", shape: [1], int64s: [5]),
        ])
        let header = String(decoding: bytes.dropFirst(8), as: UTF8.self)
        let positions = ["\"i\"", "\"z64\"", "\"a\"", "\"b\"", "\"a32\""].map { header.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(header.contains(#""i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}"#))
        #expect(header.contains(#""a32":{"dtype":"I32","shape":[1],"data_offsets":[24,28]}"#))
    }

    @Test("a header in any order and with spaces, as other writers produce, reads back")
    func foreignHeader() throws {
        let header = #"{ "b": {"shape": [1], "data_offsets": [4, 8], "dtype": "I32", "extra": true},"# +
            #" "a": {"dtype": "I32", "shape": [], "data_offsets": [0, 4]} }"#
        let file = try SafeTensors.decode(fileBytes(header: header, data: [7, 0, 0, 0, 9, 0, 0, 0]), source: "x")
        #expect(try file.tensor(named: "a").int32s == [7])
        #expect(try file.tensor(named: "b").int32s == [9])
    }

    // MARK: - Corrupt files

    @Test("a file shorter than the 8-byte length")
    func tooShort() {
        #expect(problem(decoding: Data([1, 2, 3])) == .tooShort(byteCount: 3))
        #expect(problem(decoding: Data()) == .tooShort(byteCount: 0))
    }

    @Test("an absurd header length")
    func absurdHeaderLength() {
        var bytes = Data(repeating: 0xFF, count: 8)
        bytes.append(contentsOf: Array("{}".utf8))
        #expect(problem(decoding: bytes) == .headerTooLarge(declared: .max, limit: 100_000_000))
    }

    @Test("a header length beyond the end of the file")
    func headerBeyondFile() {
        var bytes = fileBytes(header: "{}      ")
        bytes[0] = 200
        #expect(problem(decoding: bytes) == .headerBeyondFile(declared: 200, available: 8))
    }

    @Test("a header that is not UTF-8")
    func notUTF8() {
        var bytes = fileBytes(header: "{\"a\" }")
        bytes[9] = 0xFF
        #expect(problem(decoding: bytes) == .headerNotUTF8)
    }

    @Test("a header that is not JSON", arguments: ["{not json}", "", "{\"a\": {", "{} {}"])
    func notJSON(header: String) {
        guard case .headerNotJSON(let detail) = problem(decoding: fileBytes(header: header)) else {
            Issue.record("expected headerNotJSON for \(header.debugDescription)")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test("the message for a header that is not JSON says where parsing stopped")
    func notJSONMessage() throws {
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.decode(fileBytes(header: "{not json}"), source: "bad.safetensors")
        }
        let message = try #require(error?.description)
        #expect(message.hasPrefix("bad.safetensors: corrupt header: not valid JSON ("))
        #expect(!message.contains("\n"))
        print(message)
    }

    @Test("a header that is JSON but not what the format says")
    func wrongStructure() {
        #expect(problem(decoding: fileBytes(header: "[1, 2]"))
                == .invalidHeader(location: "the header", expected: "a JSON object of tensors"))
        #expect(problem(decoding: fileBytes(header: #"{"a": {"dtype": "F32", "shape": [1]}}"#))
                == .missingField(tensor: "a", field: "data_offsets"))
        #expect(problem(decoding: fileBytes(header: #"{"a": 3}"#))
                == .invalidHeader(location: "tensor \"a\"", expected: "an object with \"dtype\", \"shape\" and \"data_offsets\""))
        #expect(problem(decoding: fileBytes(header: #"{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#))
                == .invalidHeader(location: "tensor \"a\", \"shape\"[0]", expected: "a list of non-negative integers"))
        #expect(problem(decoding: fileBytes(header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 1e30]}}"#))
                == .invalidHeader(location: "tensor \"a\", \"data_offsets\"[1]", expected: "[begin, end], two integers"))
        #expect(problem(decoding: fileBytes(header: #"{"a": {"dtype": "F32", "shape": [true], "data_offsets": [0, 4]}}"#))
                == .invalidHeader(location: "tensor \"a\", \"shape\"[0]", expected: "a list of non-negative integers"))
        #expect(problem(decoding: fileBytes(header: #"{"a": {"dtype": 32, "shape": [], "data_offsets": [0, 4]}}"#))
                == .invalidHeader(location: "tensor \"a\", \"dtype\"", expected: "a string such as \"F32\""))
        #expect(problem(decoding: fileBytes(header: #"{"__metadata__": {"step": 3}}"#))
                == .invalidHeader(location: "\"__metadata__\", \"step\"", expected: "a string"))
    }

    @Test("an unknown dtype")
    func unknownDType() {
        let header = #"{"w": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}"#
        let problem = problem(decoding: fileBytes(header: header, data: [0, 0, 0, 0]))
        #expect(problem == .unknownDType(tensor: "w", dtype: "F16"))
        #expect(problem?.description == "tensor \"w\": unsupported dtype \"F16\" (this library reads F32, F64, I32, I64)")
    }

    @Test("a shape whose size is not the byte range")
    func sizeMismatch() {
        let header = #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#
        let problem = problem(decoding: fileBytes(header: header, data: Array(repeating: 0, count: 8)))
        #expect(problem == .sizeMismatch(tensor: "w", dtype: .f32, shape: [3], begin: 0, end: 8))
        #expect(problem?.description == "tensor \"w\": F32 of shape [3] needs 12 bytes, data_offsets [0, 8] hold 8")
    }

    @Test("invalid shapes and offsets")
    func invalidShapesAndOffsets() {
        let data = [UInt8](repeating: 0, count: 8)
        #expect(problem(decoding: fileBytes(header: #"{"w": {"dtype": "F32", "shape": [-1, -2], "data_offsets": [0, 8]}}"#, data: data))
                == .invalidShape(tensor: "w", shape: [-1, -2]))
        #expect(problem(decoding: fileBytes(header: #"{"w": {"dtype": "F64", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}}"#, data: data))
                == .invalidShape(tensor: "w", shape: [4294967296, 4294967296]))
        #expect(problem(decoding: fileBytes(header: #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}"#, data: data))
                == .invalidOffsets(tensor: "w", offsets: [8, 0]))
        #expect(problem(decoding: fileBytes(header: #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}"#, data: data))
                == .invalidOffsets(tensor: "w", offsets: [0]))
    }

    @Test("overlapping byte ranges")
    func overlap() {
        let header = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},"# +
            #" "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#
        let problem = problem(decoding: fileBytes(header: header, data: Array(repeating: 0, count: 12)))
        #expect(problem == .overlap(tensor: "b", previous: "a", begin: 4, previousEnd: 8))
        #expect(problem?.description == "tensor \"b\" starts at byte 4, inside \"a\" (which ends at 8)")
    }

    @Test("two tensors with the same bytes overlap")
    func sameRange() {
        let header = #"{"a": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]},"# +
            #" "b": {"dtype": "I32", "shape": [1], "data_offsets": [0, 4]}}"#
        #expect(problem(decoding: fileBytes(header: header, data: [0, 0, 0, 0]))
                == .overlap(tensor: "b", previous: "a", begin: 0, previousEnd: 4))
    }

    @Test("bytes that belong to no tensor")
    func gap() {
        let header = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},"# +
            #" "b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}}"#
        #expect(problem(decoding: fileBytes(header: header, data: Array(repeating: 0, count: 16)))
                == .gap(begin: 8, end: 12, before: "b"))
        let late = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(problem(decoding: fileBytes(header: late, data: Array(repeating: 0, count: 8)))
                == .gap(begin: 0, end: 4, before: "a"))
    }

    @Test("a truncated file names the file and both sizes")
    func truncated() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        try SafeTensors.write([Tensor(name: "W_hh", shape: [16, 16], floats: Array(repeating: 0.5, count: 256))], to: url)
        let whole = try Data(contentsOf: url)
        try whole.dropLast(512).write(to: url)

        let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.read(from: url) }
        #expect(error?.problem == .truncated(declared: 1024, available: 512))
        #expect(error?.description == "\(url.path): truncated: header says 1,024 bytes of data, file has 512")

        let relative = URL(fileURLWithPath: "no/such/checkpoint.safetensors")
        let missing = #expect(throws: SafeTensorsError.self) { try SafeTensors.read(from: relative) }
        #expect(missing?.description == "no/such/checkpoint.safetensors: no such file")
    }

    @Test("bytes after the last tensor")
    func trailingBytes() throws {
        var bytes = try SafeTensors.encode([Tensor(name: "b_y", shape: [2], floats: [1, 2])])
        bytes.append(contentsOf: [0xDE, 0xAD, 0xBE])
        let problem = problem(decoding: bytes)
        #expect(problem == .trailingBytes(count: 3, declared: 8))
        #expect(problem?.description == "3 unexpected bytes after the data (header says 8 bytes of data)")
    }

    @Test("every strict prefix of a good file is rejected, never crashes")
    func everyPrefix() throws {
        let bytes = try SafeTensors.encode(Array(safeTensorsSample.prefix(4)), metadata: ["k": "v"])
        for length in 0..<bytes.count {
            #expect(problem(decoding: bytes.prefix(length)) != nil, "prefix of \(length) bytes")
        }
        #expect(problem(decoding: bytes) == nil)
    }

    @Test("reading a folder or a missing file")
    func notAFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: SafeTensorsError(.notAFile, file: folder.path)) { try SafeTensors.read(from: folder) }
        let missing = folder.appendingPathComponent("nothing.safetensors")
        #expect(throws: SafeTensorsError(.fileNotFound, file: missing.path)) { try SafeTensors.read(from: missing) }
    }

    // MARK: - Using what was read

    @Test("asking for the wrong dtype says what the tensor holds")
    func wrongDType() throws {
        let tensor = Tensor(name: "W_xh", shape: [1], floats: [1])
        let error = #expect(throws: SafeTensorsError.self) { try tensor.int32s }
        #expect(error?.description == "tensor \"W_xh\" holds F32 values, not I32")
        #expect(throws: SafeTensorsError(.wrongDType(tensor: "W_xh", stored: .f32, requested: .f64))) { try tensor.doubles }
        #expect(throws: SafeTensorsError(.wrongDType(tensor: "W_xh", stored: .f32, requested: .i64))) { try tensor.int64s }
        let ints = Tensor(name: "x", shape: [], int64s: [3])
        #expect(throws: SafeTensorsError(.wrongDType(tensor: "x", stored: .i64, requested: .f32))) { try ints.floats }
    }

    @Test("a missing tensor or an unexpected shape names the file")
    func missingTensor() throws {
        let file = try SafeTensors.decode(SafeTensors.encode([Tensor(name: "b", shape: [2], floats: [1, 2]),
                                                             Tensor(name: "a", shape: [1], floats: [1])]), source: "m.safetensors")
        let missing = #expect(throws: SafeTensorsError.self) { try file.tensor(named: "W_hy") }
        #expect(missing?.description == "m.safetensors: no tensor named \"W_hy\" (the file has \"a\", \"b\")")
        let shape = #expect(throws: SafeTensorsError.self) { try file.tensor(named: "b", shape: [1, 2]) }
        #expect(shape?.description == "m.safetensors: tensor \"b\" has shape [2], expected [1, 2]")
    }

    @Test("tensors that cannot be stored are refused before anything is written")
    func unstorable() {
        let a = Tensor(name: "a", shape: [1], floats: [1])
        #expect(throws: SafeTensorsError(.duplicateName("a"))) { try SafeTensors.encode([a, a]) }
        var reserved = a
        reserved.name = "__metadata__"
        #expect(throws: SafeTensorsError(.reservedName)) { try SafeTensors.encode([reserved]) }
        var reshaped = a
        reshaped.shape = [2, 2]
        #expect(throws: SafeTensorsError(.valueCountMismatch(tensor: "a", shape: [2, 2], count: 1))) {
            try SafeTensors.encode([reshaped])
        }
    }

    // MARK: - Atomic writes

    @Test("writing into a folder that does not exist fails clearly and creates nothing")
    func missingFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("absent/checkpoint.safetensors")
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write([Tensor(name: "a", shape: [1], floats: [1])], to: url)
        }
        #expect(error?.problem == .folderNotFound(folder: folder.appendingPathComponent("absent").path))
        #expect(error?.description.hasSuffix("cannot write: the folder \(folder.path)/absent does not exist") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a failed overwrite leaves the earlier file intact and no temporary file")
    func failedOverwrite() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        let good = [Tensor(name: "W_hh", shape: [2, 2], floats: [1, 2, 3, 4])]
        try SafeTensors.write(good, metadata: ["step": "1"], to: url)
        let before = try Data(contentsOf: url)

        let a = Tensor(name: "a", shape: [1], floats: [9])
        #expect(throws: SafeTensorsError.self) { try SafeTensors.write([a, a], to: url) }
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["checkpoint.safetensors"])

        // A success replaces the whole file.
        try SafeTensors.write([a], to: url)
        #expect(try SafeTensors.read(from: url).tensors == ["a": a])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["checkpoint.safetensors"])
    }

    @Test("when the final rename fails, the temporary file is removed")
    func failedRename() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A non-empty folder where the file should go: the data is written, the rename fails.
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try Data([1]).write(to: url.appendingPathComponent("keep"))

        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write([Tensor(name: "a", shape: [1], floats: [1])], to: url)
        }
        guard case .cannotWrite = error?.problem else {
            Issue.record("expected cannotWrite, got \(String(describing: error))")
            return
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["checkpoint.safetensors"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.path) == ["keep"])
    }
}
