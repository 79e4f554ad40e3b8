/// A flat buffer of `Float`s with a shape: the engine's only tensor type.
///
/// Row-major; the shape is documentation for readers and for `precondition`s, the kernels see a
/// pointer and sizes (llm.c style). The memory is owned by the tensor and freed with it, so the
/// pointer stays valid and never moves (unlike an `Array`'s buffer across mutations).
public final class Tensor: @unchecked Sendable {
  public let count: Int
  public let shape: [Int]
  public let data: UnsafeMutablePointer<Float>

  /// A zero-filled tensor of the given shape.
  public init(_ shape: [Int]) {
    let n = shape.reduce(1, *)
    precondition(n >= 0, "negative tensor size \(shape)")
    self.shape = shape
    count = n
    data = .allocate(capacity: Swift.max(n, 1))
    data.initialize(repeating: 0, count: Swift.max(n, 1))
  }

  /// A tensor holding a copy of `values`, with shape `[values.count]` unless given.
  public convenience init(values: [Float], shape: [Int]? = nil) {
    self.init(shape ?? [values.count])
    precondition(count == values.count, "shape \(self.shape) does not hold \(values.count) values")
    values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
  }

  deinit { data.deallocate() }

  public subscript(i: Int) -> Float {
    get { data[i] }
    set { data[i] = newValue }
  }

  /// Sets every element to 0 (llm.c's `zeroGrad`).
  public func zero() { data.update(repeating: 0, count: count) }

  /// Copies every element from `other`, which must have the same count.
  public func copy(from other: Tensor) {
    precondition(other.count == count, "copy from \(other.count) values into \(count)")
    data.update(from: other.data, count: count)
  }

  /// The values as an array (a copy).
  public var array: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }
}
