import Foundation

/// Checkpoints in the *safetensors* format, so that a network trained in Swift can be
/// loaded by PyTorch or numpy (`safetensors.numpy.load_file`), and the other way round.
///
/// ## The format
///
/// ```
/// ┌──────────┬──────────────────────────────┬──────────────────────────────────┐
/// │ N: UInt64│ header: N bytes of UTF-8 JSON│ data: the tensors' raw bytes,    │
/// │ (8 bytes,│ padded with spaces so that   │ little-endian, one after another │
/// │  little- │ 8 + N is a multiple of 8     │ with no gaps and nothing after   │
/// │  endian) │                              │ the last one                     │
/// └──────────┴──────────────────────────────┴──────────────────────────────────┘
/// ```
///
/// The header is one JSON object. Each key is a tensor's name, mapped to
/// `{"dtype": "F32", "shape": [D, H], "data_offsets": [begin, end]}`, where `begin..<end`
/// is the tensor's byte range counted from the start of the data section and
/// `end - begin` equals the product of the shape (1 for a scalar, whose shape is `[]`)
/// times the size of one element. The optional key `"__metadata__"` maps to an object
/// of string values (free text: what wrote the file, the step, the corpus…).
///
/// Values are stored in row-major (C) order: the last index varies fastest, exactly as
/// our `Matrix` stores them and as numpy's default arrays do, so a file loads in numpy
/// or PyTorch as an array of the same shape with no transposition.
///
/// ## Our names and layout
///
/// Shapes are those of the book, which writes vectors as rows and puts the batch first:
/// `h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)` with `x_t` of shape (B, D) and `h_t` of
/// shape (B, H). A tensor keeps the shape of the matrix it stores, so a bias is one row.
/// Tensors are named as the code names them (`RNN.namedParameters`): `wXH` (D, H), `wHH`
/// (H, H), `wHY` (H, V), `bH` (1, H), `bY` (1, V); a gradient is `grad.` and the name of what
/// it is the gradient of (`grad.wXH`). Character ids are `I64` (B, T), batch first, as numpy
/// and PyTorch index with them. `book gradcheck --export` writes exactly this, in `F64`,
/// and lists its tensors in `RNNGradientCheckProblem.exportTensors()`; `I32` and `F32` are
/// read and written too, for files made elsewhere.
///
/// ## Reading and writing
///
/// ```swift
/// let wXH = SafeTensors.Tensor(name: "wXH", shape: [D, H], floats: weights)
/// try SafeTensors.write([wXH], metadata: ["step": "1000"], to: url)
/// let file = try SafeTensors.read(from: url)
/// let restored = try file.tensor(named: "wXH").floats   // [Float], row-major
/// ```
///
/// `write` replaces the file atomically: it writes a temporary file in the same folder and
/// renames it, so a failed save leaves any earlier file as it was and no partial file.
/// `read` checks everything the format promises and reports the first thing that is wrong
/// as a `SafeTensorsError` that names the file and says what and where.
public enum SafeTensors {

    /// The element types this library reads and writes; the raw values are the names
    /// the format uses in the header.
    public enum DType: String, CaseIterable, Equatable, Hashable, Sendable {
        case f32 = "F32"
        case f64 = "F64"
        case i32 = "I32"
        case i64 = "I64"

        /// The number of bytes one element takes in the file.
        public var byteSize: Int {
            switch self {
            case .f32, .i32: 4
            case .f64, .i64: 8
            }
        }
    }

    /// A named, shaped array of numbers, as stored in a safetensors file.
    ///
    /// Invariant (checked by the initialisers, and again by `write` since the properties
    /// are mutable): the number of values equals the product of `shape`, which is 1 for a
    /// scalar (`shape == []`) and 0 when any dimension is 0.
    public struct Tensor: Equatable, Sendable {
        /// The key in the file's header.
        public var name: String
        /// The dimensions, outermost first; the values are in row-major order.
        public var shape: [Int]
        /// The values, in one of the supported element types.
        public var values: Values

        /// The element type, which follows from the values.
        public var dtype: DType { values.dtype }

        /// The values of a tensor, one case per element type.
        public enum Values: Equatable, Sendable {
            case f32([Float])
            case f64([Double])
            case i32([Int32])
            case i64([Int64])

            /// The element type of these values.
            public var dtype: DType {
                switch self {
                case .f32: .f32
                case .f64: .f64
                case .i32: .i32
                case .i64: .i64
                }
            }

            /// How many values there are.
            public var count: Int {
                switch self {
                case .f32(let values): values.count
                case .f64(let values): values.count
                case .i32(let values): values.count
                case .i64(let values): values.count
                }
            }
        }

        /// A tensor with the given values in row-major order.
        ///
        /// - Precondition: every dimension is non-negative and `values.count` equals the
        ///   product of `shape`.
        public init(name: String, shape: [Int], values: Values) {
            precondition(shape.allSatisfy { $0 >= 0 }, "tensor \"\(name)\": negative dimension in shape \(shape)")
            let count = SafeTensors.elementCount(of: shape)
            precondition(count == values.count,
                         "tensor \"\(name)\": shape \(shape) holds \(count.map(String.init) ?? "too many") values, given \(values.count)")
            self.name = name
            self.shape = shape
            self.values = values
        }

        /// A tensor of `Float` (`F32`); see `init(name:shape:values:)`.
        public init(name: String, shape: [Int], floats: [Float]) {
            self.init(name: name, shape: shape, values: .f32(floats))
        }

        /// A tensor of `Double` (`F64`); see `init(name:shape:values:)`.
        public init(name: String, shape: [Int], doubles: [Double]) {
            self.init(name: name, shape: shape, values: .f64(doubles))
        }

        /// A tensor of `Int32` (`I32`); see `init(name:shape:values:)`.
        public init(name: String, shape: [Int], int32s: [Int32]) {
            self.init(name: name, shape: shape, values: .i32(int32s))
        }

        /// A tensor of `Int64` (`I64`); see `init(name:shape:values:)`.
        public init(name: String, shape: [Int], int64s: [Int64]) {
            self.init(name: name, shape: shape, values: .i64(int64s))
        }

        /// The values as `Float`, row-major; throws `.wrongDType` unless the tensor is `F32`.
        /// Nothing is converted: a checkpoint that holds `F64` must be read as `doubles`.
        public var floats: [Float] {
            get throws(SafeTensorsError) {
                guard case .f32(let values) = values else { throw wrongDType(.f32) }
                return values
            }
        }

        /// The values as `Double`, row-major; throws `.wrongDType` unless the tensor is `F64`.
        public var doubles: [Double] {
            get throws(SafeTensorsError) {
                guard case .f64(let values) = values else { throw wrongDType(.f64) }
                return values
            }
        }

        /// The values as `Int32`, row-major; throws `.wrongDType` unless the tensor is `I32`.
        public var int32s: [Int32] {
            get throws(SafeTensorsError) {
                guard case .i32(let values) = values else { throw wrongDType(.i32) }
                return values
            }
        }

        /// The values as `Int64`, row-major; throws `.wrongDType` unless the tensor is `I64`.
        public var int64s: [Int64] {
            get throws(SafeTensorsError) {
                guard case .i64(let values) = values else { throw wrongDType(.i64) }
                return values
            }
        }

        private func wrongDType(_ requested: DType) -> SafeTensorsError {
            SafeTensorsError(.wrongDType(tensor: name, stored: dtype, requested: requested))
        }
    }

    /// The product of the dimensions (1 for a scalar), or nil when it overflows `Int`.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }
}

/// The contents of a safetensors file: its tensors by name, and its metadata.
public struct SafeTensorsFile: Equatable, Sendable {
    /// Every tensor in the file, by name.
    public var tensors: [String: SafeTensors.Tensor]
    /// The header's `"__metadata__"` object; empty when the file has none.
    public var metadata: [String: String]
    /// Where the file was read from, as given to `read(from:)`; used in error messages.
    public var source: String

    public init(tensors: [String: SafeTensors.Tensor], metadata: [String: String], source: String) {
        self.tensors = tensors
        self.metadata = metadata
        self.source = source
    }

    /// The tensor called `name`, or nil.
    public subscript(name: String) -> SafeTensors.Tensor? { tensors[name] }

    /// The tensor called `name`; throws `.missingTensor`, listing the names the file has,
    /// when there is none.
    public func tensor(named name: String) throws(SafeTensorsError) -> SafeTensors.Tensor {
        guard let tensor = tensors[name] else {
            throw SafeTensorsError(.missingTensor(name: name, available: tensors.keys.sorted()), file: source)
        }
        return tensor
    }

    /// The tensor called `name`, checked to have `shape`; throws `.missingTensor` or
    /// `.unexpectedShape`. Use it when loading parameters into a network of known size.
    public func tensor(named name: String, shape: [Int]) throws(SafeTensorsError) -> SafeTensors.Tensor {
        let tensor = try tensor(named: name)
        guard tensor.shape == shape else {
            throw SafeTensorsError(.unexpectedShape(tensor: name, stored: tensor.shape, expected: shape), file: source)
        }
        return tensor
    }
}
