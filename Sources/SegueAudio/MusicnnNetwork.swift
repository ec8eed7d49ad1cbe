import CSegueBLAS
import Foundation

/// The musicnn network (Pons and Serra, 2019: `build_musicnn` in musicnn 0.1.0's `models.py`) with
/// its trained weights, run on OpenBLAS.
///
/// Front end, on the batch-normalised 187×96 patch: two timbral convolutions (7×38 and 7×67, 204
/// filters each) and three temporal ones (128×1, 64×1, 32×1, "same" padding, 51 filters each), each
/// ReLU → batch norm → max over frequency, concatenated to 561 features per frame. Mid end: three
/// 7-frame convolutions of 64 filters with ReLU and batch norm, the second and third residual. Back
/// end: max and mean over time of the 753 features (interleaved, 1506), batch norm, a 200-unit
/// dense layer (its pre-ReLU output is the embedding), ReLU, batch norm, and the 50-unit output.
///
/// Convolutions run as im2col + sgemm (OpenBLAS through `CSegueBLAS`) in blocks of about a thousand rows, in scratch memory
/// reused from patch to patch. Batch norms become one multiply and add per channel
/// at load time, and those in front of a dense layer are folded into that layer's weights (exact
/// there: no padding between them).
public struct MusicnnNetwork: Sendable {
    /// The batch normalisation epsilon of `tf.layers.batch_normalization`.
    static let epsilon = 0.001
    public static let embeddingSize = 200

    /// A convolution or dense layer: `weights[k * outputs + o]` (TensorFlow's HWIO order flattened).
    struct Layer: Sendable {
        var weights: [Float]
        var bias: [Float]
        var inputs: Int { weights.count / bias.count }
        var outputs: Int { bias.count }
    }

    /// A batch normalisation as `x * scale + shift`.
    struct Affine: Sendable {
        var scale: [Float]
        var shift: [Float]
    }

    let input: Affine
    let timbral74: Layer, timbral77: Layer
    let temporal128: Layer, temporal64: Layer, temporal32: Layer
    let frontNorms: [Affine]  // after each of the five front-end convolutions
    let mid: [Layer]
    let midNorms: [Affine]
    let embedding: Layer  // batch norm of the pooled features folded in
    let output: Layer  // ReLU, then the batch norm folded in
    public let classes: Int

    /// Loads the weights of a `build_musicnn` model with 64 mid-end filters and 200 back-end units
    /// (`MSD_musicnn`, `MTT_musicnn`) from its checkpoint.
    /// - Throws: `AudioError.checkpoint` when the checkpoint is unreadable, corrupt, or its tensors
    ///   do not have musicnn's shapes.
    public init(checkpoint: TensorFlowCheckpoint) throws(AudioError) {
        try BLASKernel.load()
        func tensor(_ name: String, _ shape: [Int]) throws(AudioError) -> [Float] {
            let (found, values) = try checkpoint.floats(name)
            guard found == shape else {
                throw .checkpoint(
                    path: TensorFlowCheckpoint.indexPath(prefix: checkpoint.prefix),
                    reason: "\(name) has shape \(found), musicnn needs \(shape)")
            }
            return values
        }
        func norm(_ i: Int, _ n: Int) throws(AudioError) -> (scale: [Double], shift: [Double]) {
            let name = i == 0 ? "batch_normalization" : "batch_normalization_\(i)"
            let gamma = try tensor("\(name)/gamma", [n])
            let beta = try tensor("\(name)/beta", [n])
            let mean = try tensor("\(name)/moving_mean", [n])
            let variance = try tensor("\(name)/moving_variance", [n])
            let scale = (0..<n).map { Double(gamma[$0]) / (Double(variance[$0]) + Self.epsilon).squareRoot() }
            return (scale, (0..<n).map { Double(beta[$0]) - Double(mean[$0]) * scale[$0] })
        }
        func affine(_ i: Int, _ n: Int) throws(AudioError) -> Affine {
            let (scale, shift) = try norm(i, n)
            return Affine(scale: scale.map { Float($0) }, shift: shift.map { Float($0) })
        }
        func conv(_ i: Int, _ shape: [Int]) throws(AudioError) -> Layer {
            let name = i == 0 ? "conv2d" : "conv2d_\(i)"
            return Layer(weights: try tensor("\(name)/kernel", shape), bias: try tensor("\(name)/bias", [shape[3]]))
        }
        /// A dense layer with the batch norm in front of it folded in: W'[k,o] = s[k]·W[k,o],
        /// b'[o] = b[o] + Σ_k t[k]·W[k,o].
        func folded(_ name: String, norm n: (scale: [Double], shift: [Double]), _ shape: [Int]) throws(AudioError) -> Layer {
            let w = try tensor("\(name)/kernel", shape)
            let b = try tensor("\(name)/bias", [shape[1]])
            let (inputs, outputs) = (shape[0], shape[1])
            var weights = [Float](repeating: 0, count: w.count)
            var bias = b.map { Double($0) }
            for k in 0..<inputs {
                for o in 0..<outputs {
                    let x = Double(w[k * outputs + o])
                    weights[k * outputs + o] = Float(n.scale[k] * x)
                    bias[o] += n.shift[k] * x
                }
            }
            return Layer(weights: weights, bias: bias.map { Float($0) })
        }
        input = try affine(0, 1)
        timbral74 = try conv(0, [7, 38, 1, 204])
        timbral77 = try conv(1, [7, 67, 1, 204])
        temporal128 = try conv(2, [128, 1, 1, 51])
        temporal64 = try conv(3, [64, 1, 1, 51])
        temporal32 = try conv(4, [32, 1, 1, 51])
        frontNorms = [try affine(1, 204), try affine(2, 204), try affine(3, 51), try affine(4, 51), try affine(5, 51)]
        mid = [try conv(5, [7, 561, 1, 64]), try conv(6, [7, 64, 1, 64]), try conv(7, [7, 64, 1, 64])]
        midNorms = [try affine(6, 64), try affine(7, 64), try affine(8, 64)]
        embedding = try folded("dense", norm: try norm(9, 1506), [1506, Self.embeddingSize])
        let (_, classShape) = try checkpoint.floats("dense_1/bias")
        classes = classShape.count
        output = try folded("dense_1", norm: try norm(10, Self.embeddingSize), [Self.embeddingSize, classes])
    }

    /// What the network makes of one patch.
    public struct Output: Sendable {
        /// The 200 values of the `dense` layer before its ReLU.
        public var embedding: [Float]
        /// The output layer before the sigmoid.
        public var logits: [Float]
    }

    /// Memory `run` reuses from patch to patch: one per thread (each file analysed keeps its own).
    public struct Scratch {
        var padded: [Float] = [], bands: [Float] = [], columns: [Float] = [], conv: [Float] = []
        var highest: [Float] = [], lowest: [Float] = [], front: [Float] = [], midPadded: [Float] = []
        var mid: [[Float]] = [[], [], []]
        public init() {}
    }

    /// Frame rows per sgemm in the front end: the im2col block and its product stay around 1 MB
    /// (in cache) instead of 9-12 MB per patch written out and read back.
    static let rowsPerBlock = 1024

    /// Runs one patch (`MusicnnSpectrogram.patchFrames × bands` values, frame by frame).
    public func run(patch: [Float]) -> Output {
        var scratch = Scratch()
        return run(patch: patch, scratch: &scratch)
    }

    /// Runs one patch with scratch memory kept between calls.
    public func run(patch: [Float], scratch s: inout Scratch) -> Output {
        let T = MusicnnSpectrogram.patchFrames
        let F = MusicnnSpectrogram.bands
        precondition(patch.count == T * F, "a musicnn patch is \(T)×\(F) values")
        let scale = input.scale[0]
        let shift = input.shift[0]
        let frontWidth = 2 * 204 + 3 * 51
        Self.resize(&s.front, T * frontWidth)

        // Timbral: the input batch norm, then 3 zero frames each side (the original pads after it).
        Self.resize(&s.padded, (T + 6) * F)
        s.padded.withUnsafeMutableBufferPointer { p in
            for i in 0..<(3 * F) {
                p[i] = 0
                p[(T + 3) * F + i] = 0
            }
            for i in 0..<(T * F) { p[3 * F + i] = patch[i] * scale + shift }
        }
        for (which, layer) in [timbral74, timbral77].enumerated() {
            let width = layer.inputs / 7
            let positions = F - width + 1
            let framesPerBlock = max(1, Self.rowsPerBlock / positions)
            Self.resetExtremes(&s, T * layer.outputs)
            var t0 = 0
            while t0 < T {
                let t1 = min(T, t0 + framesPerBlock)
                let rows = (t1 - t0) * positions
                Self.resize(&s.columns, rows * layer.inputs)
                s.columns.withUnsafeMutableBufferPointer { a in
                    s.padded.withUnsafeBufferPointer { p in
                        for t in t0..<t1 {
                            for f in 0..<positions {
                                let row = a.baseAddress! + ((t - t0) * positions + f) * layer.inputs
                                for i in 0..<7 { (row + i * width).update(from: p.baseAddress! + (t + i) * F + f, count: width) }
                            }
                        }
                    }
                }
                Self.multiply(s.columns, rows: rows, lda: layer.inputs, offset: 0, layer, into: &s.conv)
                // Rows are (frame, position).
                Self.accumulateExtremes(&s, rows: rows, channels: layer.outputs) { t0 + $0 / positions }
                t0 = t1
            }
            Self.writeFront(&s, frames: T, bias: layer.bias, norm: frontNorms[which], width: frontWidth, at: which * 204)
        }

        // Temporal: one im2col for the 128-frame window; the 64 and 32 ones are its middle columns
        // ("same" padding puts 63, 31 and 15 frames before the centre). The patch is transposed
        // first (band by band), so each row of the im2col matrix is one contiguous copy.
        let window = 128
        let span = T + window - 1
        Self.resize(&s.bands, F * span)
        s.bands.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = 0 }
            for t in 0..<T {
                for f in 0..<F { b[f * span + 63 + t] = patch[t * F + f] * scale + shift }
            }
        }
        let bandsPerBlock = max(1, 2 * Self.rowsPerBlock / T)
        for (which, (layer, offset)) in [(temporal128, 0), (temporal64, 32), (temporal32, 48)].enumerated() {
            Self.resetExtremes(&s, T * layer.outputs)
            var f0 = 0
            while f0 < F {
                let f1 = min(F, f0 + bandsPerBlock)
                let rows = (f1 - f0) * T
                if which == 0 || bandsPerBlock < F {  // the block's columns (kept when one block holds every band)
                    Self.resize(&s.columns, rows * window)
                    s.columns.withUnsafeMutableBufferPointer { a in
                        s.bands.withUnsafeBufferPointer { b in
                            for f in f0..<f1 {
                                for t in 0..<T {
                                    (a.baseAddress! + ((f - f0) * T + t) * window).update(from: b.baseAddress! + f * span + t, count: window)
                                }
                            }
                        }
                    }
                }
                Self.multiply(s.columns, rows: rows, lda: window, offset: offset, layer, into: &s.conv)
                // Rows are (band, frame).
                Self.accumulateExtremes(&s, rows: rows, channels: layer.outputs) { $0 % T }
                f0 = f1
            }
            Self.writeFront(&s, frames: T, bias: layer.bias, norm: frontNorms[2 + which], width: frontWidth, at: 408 + which * 51)
        }

        // Mid end: three 7-frame convolutions over the whole feature vector, zero-padded in time.
        // Row t of the im2col matrix would be frames t…t+6 of the padded input, contiguous: the
        // product is the sum of seven sgemms, one per kernel row, each reading the padded input in
        // place (row stride one frame) with no im2col copy.
        var currentWidth = frontWidth
        for (i, layer) in mid.enumerated() {
            let source = i == 0 ? s.front : s.mid[i - 1]
            Self.resize(&s.midPadded, (T + 6) * currentWidth)
            s.midPadded.withUnsafeMutableBufferPointer { p in
                for k in 0..<(3 * currentWidth) {
                    p[k] = 0
                    p[(T + 3) * currentWidth + k] = 0
                }
                source.withUnsafeBufferPointer { (p.baseAddress! + 3 * currentWidth).update(from: $0.baseAddress!, count: T * currentWidth) }
            }
            Self.resize(&s.mid[i], T * 64)
            s.mid[i].withUnsafeMutableBufferPointer { y in
                s.midPadded.withUnsafeBufferPointer { p in
                    layer.weights.withUnsafeBufferPointer { w in
                        for k in 0..<7 {
                            segue_sgemm(
                                0, 0, Int32(T), 64, Int32(currentWidth), 1,
                                p.baseAddress! + k * currentWidth, Int32(currentWidth), w.baseAddress! + k * currentWidth * 64, 64,
                                k == 0 ? 0 : 1, y.baseAddress!, 64)
                        }
                    }
                }
                let norm = midNorms[i]
                source.withUnsafeBufferPointer { x in
                    for t in 0..<T {
                        for c in 0..<64 {
                            let v = max(y[t * 64 + c] + layer.bias[c], 0) * norm.scale[c] + norm.shift[c]
                            y[t * 64 + c] = i == 0 ? v : v + x[t * 64 + c]
                        }
                    }
                }
            }
            currentWidth = 64
        }

        // Back end: max and mean over time of [front, mid 1, mid 2, mid 3], interleaved.
        let features = frontWidth + 3 * 64
        var pooled = [Float](repeating: 0, count: 2 * features)
        func pool(_ source: [Float], width: Int, at base: Int) {
            var highest = [Float](repeating: -.infinity, count: width)
            var sum = [Float](repeating: 0, count: width)
            for t in 0..<T {
                for c in 0..<width {
                    let v = source[t * width + c]
                    highest[c] = max(highest[c], v)
                    sum[c] += v
                }
            }
            for c in 0..<width {
                pooled[2 * (base + c)] = highest[c]
                pooled[2 * (base + c) + 1] = sum[c] / Float(T)
            }
        }
        pool(s.front, width: frontWidth, at: 0)
        for (i, y) in s.mid.enumerated() { pool(y, width: 64, at: frontWidth + 64 * i) }
        let embedded = Self.dense(pooled, embedding)
        let logits = Self.dense(embedded.map { max($0, 0) }, output)
        return Output(embedding: embedded, logits: logits)
    }

    /// Makes `buffer` hold exactly `count` values (contents unspecified: callers write before reading).
    @inline(__always)
    private static func resize(_ buffer: inout [Float], _ count: Int) {
        if buffer.count != count {
            if buffer.count > count {
                buffer.removeLast(buffer.count - count)
            } else {
                buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
            }
        }
    }

    /// `A[rows × layer.inputs] · W` into `c`, A read from `offset` with row stride `lda`.
    private static func multiply(_ a: [Float], rows: Int, lda: Int, offset: Int, _ layer: Layer, into c: inout [Float]) {
        // sgemm with beta 0 writes every element: no need to clear the buffer first.
        resize(&c, rows * layer.outputs)
        c.withUnsafeMutableBufferPointer { cp in
            a.withUnsafeBufferPointer { ap in
                layer.weights.withUnsafeBufferPointer { wp in
                    segue_sgemm(
                        0, 0, Int32(rows), Int32(layer.outputs), Int32(layer.inputs), 1,
                        ap.baseAddress! + offset, Int32(lda), wp.baseAddress!, Int32(layer.outputs), 0, cp.baseAddress!,
                        Int32(layer.outputs))
                }
            }
        }
    }

    private static func resetExtremes(_ s: inout Scratch, _ count: Int) {
        resize(&s.highest, count)
        resize(&s.lowest, count)
        s.highest.withUnsafeMutableBufferPointer { h in for i in h.indices { h[i] = -.infinity } }
        s.lowest.withUnsafeMutableBufferPointer { l in for i in l.indices { l[i] = .infinity } }
    }

    /// Folds the rows of `s.conv` into the running per-frame extremes (max over frequency comes
    /// later, in `writeFront`). `conv` is read in order, row by row.
    private static func accumulateExtremes(_ s: inout Scratch, rows: Int, channels: Int, frameOfRow: (Int) -> Int) {
        s.conv.withUnsafeBufferPointer { c in
            s.highest.withUnsafeMutableBufferPointer { hi in
                s.lowest.withUnsafeMutableBufferPointer { lo in
                    for r in 0..<rows {
                        let row = c.baseAddress! + r * channels
                        let frame = frameOfRow(r)
                        let h = hi.baseAddress! + frame * channels
                        let l = lo.baseAddress! + frame * channels
                        for k in 0..<channels {
                            h[k] = max(h[k], row[k])
                            l[k] = min(l[k], row[k])
                        }
                    }
                }
            }
        }
    }

    /// ReLU(conv + bias), batch norm, max over the frequency positions, written into `s.front`.
    /// Rounding is monotonic, so taking the largest (or, under a negative scale, the smallest) raw
    /// value first gives exactly the maximum of the per-position results.
    private static func writeFront(_ s: inout Scratch, frames: Int, bias: [Float], norm: Affine, width: Int, at base: Int) {
        let channels = bias.count
        let highest = s.highest
        let lowest = s.lowest
        s.front.withUnsafeMutableBufferPointer { front in
            for t in 0..<frames {
                for k in 0..<channels {
                    let pick = norm.scale[k] >= 0 ? highest[t * channels + k] : lowest[t * channels + k]
                    front[t * width + base + k] = max(pick + bias[k], 0) * norm.scale[k] + norm.shift[k]
                }
            }
        }
    }

    private static func dense(_ x: [Float], _ layer: Layer) -> [Float] {
        var y = [Float](repeating: 0, count: layer.outputs)
        x.withUnsafeBufferPointer { xp in
            layer.weights.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    segue_sgemv(
                        1, Int32(layer.inputs), Int32(layer.outputs), 1, wp.baseAddress!,
                        Int32(layer.outputs), xp.baseAddress!, 1, 0, yp.baseAddress!, 1)
                }
            }
        }
        return zip(y, layer.bias).map { $0 + $1 }
    }
}
