import SegueCharts

/// Renders race frames in order into one buffer, skipping work on the identical frames of the final hold.
public final class RaceFrameRenderer {
    public let layout: RaceFrameLayout
    public let renderer: CairoRenderer
    private var lastRaceFrame: Int?

    /// - Throws: `GraphicsError.surfaceCreationFailed`.
    public init(layout: RaceFrameLayout, artwork: ArtworkLibrary = ArtworkLibrary()) throws(GraphicsError) {
        self.layout = layout
        self.renderer = try CairoRenderer(width: layout.format.width, height: layout.format.height, artwork: artwork)
    }

    /// Frames in the race, the final hold included.
    public var frameCount: Int { layout.timeline.frameCount }

    /// Draws frame `index` and passes its BGRA bytes (`width * height * 4`, no row padding) to `body`.
    public func withFrame<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withFrameChanges(index) { bytes, _ in try body(bytes) }
    }

    /// As `withFrame`, also passing the pixel rows that differ from the frame drawn before (sorted,
    /// disjoint; empty on the final hold): frames are painted over the previous one, band by band,
    /// where the scene changed (`CairoRenderer.renderChanges`).
    public func withFrameChanges<R>(_ index: Int, _ body: (UnsafeRawBufferPointer, [Range<Int>]) throws -> R) rethrows -> R {
        // Frames of the final hold repeat the settled last state: nothing to draw.
        let raceFrame = min(index, layout.timeline.lastDistinctFrame)
        var changed: [Range<Int>] = []
        if raceFrame != lastRaceFrame {
            changed = renderer.renderChanges(layout.scene(frame: index))
            lastRaceFrame = raceFrame
        }
        return try renderer.withPixels { try body($0, changed) }
    }
}
