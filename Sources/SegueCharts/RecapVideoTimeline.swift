import SegueRecap

/// The recap video as a function of time: the cards, one after another, each drawn at a growing
/// `RecapCardLayout.progress` (blocks rise in, numbers count up, bars grow) and held, with the top
/// artists' race as a chapter of its own after the top artists; between chapters the frame fades
/// to the empty background and the next one fades in from it.
///
/// The whole story lasts `targetSeconds` (about 38 s: the cards share what the race leaves); the
/// last chapter ends on the complete card, held at least `finalHoldSeconds`, so the last frame
/// (what a player shows when the video ends, and a thumbnail) is a whole card. A recap with no
/// plays is one short chapter: its designed empty card.
public struct RecapVideoTimeline: Sendable {
    /// What a chapter shows.
    public enum Chapter: Sendable, Equatable {
        case card(RecapCard)
        case race
    }

    /// A chapter and the frames it covers.
    public struct Segment: Sendable, Equatable {
        public var chapter: Chapter
        public var firstFrame: Int
        public var frames: Int
    }

    public static let targetSeconds = 38.0
    /// A card's share is kept between these.
    public static let cardSeconds: ClosedRange<Double> = 3.5...6
    /// Seconds in which a card's blocks appear (its progress goes 0 to 1).
    public static let appearSeconds = 1.8
    /// Seconds of the fade out at a chapter's end, and of the fade in at the next one's start.
    public static let fadeSeconds = 0.25
    public static let raceSeconds = 9.0
    public static let finalHoldSeconds = 2.0
    /// The length of the video of a recap with no plays.
    public static let emptySeconds = 5.0

    public let fps: Double
    public let segments: [Segment]
    public let cards: RecapCardLayout
    public let race: RaceFrameLayout?
    public let recap: Recap

    /// - Parameters:
    ///   - cards: the cards' layout (its `progress` is set per frame).
    ///   - race: the race's layout for `recap.race`, nil to leave the chapter out (no plays).
    /// - Throws: `ChartsError.badFrameRate`.
    public init(recap: Recap, cards: RecapCardLayout, race: RaceFrameLayout?, fps: Double) throws(ChartsError) {
        guard fps.isFinite, fps >= 1, fps <= 120 else { throw .badFrameRate(fps) }
        self.fps = fps
        self.recap = recap
        self.cards = cards
        let race = recap.isEmpty ? nil : race
        self.race = race
        let list = RecapCard.cards(for: recap)
        var chapters = list.map(Chapter.card)
        if race != nil, let at = chapters.firstIndex(of: .card(.artists)) { chapters.insert(.race, at: at + 1) }
        let raceFrames = race?.timeline.frameCount ?? 0
        let cardSeconds =
            recap.isEmpty
            ? Self.emptySeconds
            : min(Self.cardSeconds.upperBound, max(Self.cardSeconds.lowerBound, (Self.targetSeconds - Double(raceFrames) / fps) / Double(list.count)))
        let cardFrames = Int((cardSeconds * fps).rounded())
        var segments: [Segment] = []
        var next = 0
        for chapter in chapters {
            let frames = chapter == .race ? raceFrames : cardFrames
            segments.append(Segment(chapter: chapter, firstFrame: next, frames: frames))
            next += frames
        }
        self.segments = segments
    }

    /// The race's timing for a video at `fps`: `raceSeconds`, its final ranking held 1.5 s.
    public static func raceTiming(fps: Double) throws(ChartsError) -> RaceTiming {
        try RaceTiming(fps: fps, totalSeconds: raceSeconds, holdSeconds: RaceTiming.minimumHoldSeconds)
    }

    public var frameCount: Int { segments.last.map { $0.firstFrame + $0.frames } ?? 0 }
    public var seconds: Double { Double(frameCount) / fps }

    /// The segment frame `index` falls in (the last one for an index past the end).
    public func segment(at index: Int) -> Segment {
        segments.last { $0.firstFrame <= index } ?? segments[0]
    }

    /// The scene of frame `index` (clamped to the video).
    public func scene(frame index: Int) -> Scene {
        let index = min(max(0, index), frameCount - 1)
        let segment = segment(at: index)
        let local = index - segment.firstFrame
        let isLast = segment == segments.last
        var scene: Scene
        switch segment.chapter {
        case .race:
            // A race segment exists only with a race layout.
            scene = race?.scene(frame: local) ?? cards.scene(.summary, recap: recap)
        case .card(let card):
            var layout = cards
            layout.progress = min(1, Double(local) / (Self.appearSeconds * fps))
            scene = layout.scene(card, recap: recap)
        }
        let fade = Self.fadeSeconds * fps
        let fromStart = Double(local) + 1
        let toEnd = Double(segment.frames - local)
        // The first chapter opens on its card (no fade in); the last one ends on it (no fade out).
        var veil = 0.0
        if segment.firstFrame > 0, fromStart < fade { veil = 1 - fromStart / fade }
        if !isLast, toEnd < fade { veil = max(veil, 1 - toEnd / fade) }
        if veil > 0 { scene.elements.append(SceneMotion.veil(scene, opacity: Easing.easeInOutSine(veil))) }
        return scene
    }
}
