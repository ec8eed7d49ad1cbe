/// Moving and fading scene elements: what the recap video does to a card's blocks as they appear
/// and between chapters, without a second way of drawing them.
public enum SceneMotion {
    /// `elements` moved down by `dy` pixels and with their alpha multiplied by `opacity` (0 to 1).
    public static func moved(_ elements: [SceneElement], dy: Double, opacity: Double) -> [SceneElement] {
        let a = min(1, max(0, opacity))
        return elements.map { moved($0, dy: dy, opacity: a) }
    }

    static func moved(_ element: SceneElement, dy: Double, opacity a: Double) -> SceneElement {
        switch element {
        case .rect(let r, let radius, let fill):
            return .rect(shift(r, dy), cornerRadius: radius, fill: faded(fill, a, dy: dy))
        case .text(var run):
            run.centerY += dy
            run.opacity *= a
            return .text(run)
        case .artwork(let r, let radius, var art):
            art.opacity *= a
            return .artwork(shift(r, dy), cornerRadius: radius, art)
        case .line(let from, let to, let width, let color):
            return .line(
                from: ScenePoint(x: from.x, y: from.y + dy), to: ScenePoint(x: to.x, y: to.y + dy), width: width,
                color: color.withAlpha(color.alpha * a))
        case .beginClip(let r):
            return .beginClip(shift(r, dy))
        case .endClip:
            return .endClip
        }
    }

    /// A rectangle over the whole scene in its own background at `opacity`: laid over a frame, it
    /// fades the frame towards the empty background (the video's transition between chapters).
    public static func veil(_ scene: Scene, opacity: Double) -> SceneElement {
        .rect(
            SceneRect(x: 0, y: 0, width: Double(scene.width), height: Double(scene.height)), cornerRadius: 0,
            fill: faded(scene.background, min(1, max(0, opacity)), dy: 0))
    }

    static func shift(_ r: SceneRect, _ dy: Double) -> SceneRect {
        SceneRect(x: r.x, y: r.y + dy, width: r.width, height: r.height)
    }

    static func faded(_ fill: Fill, _ a: Double, dy: Double) -> Fill {
        switch fill {
        case .solid(let c):
            return .solid(c.withAlpha(c.alpha * a))
        case .linearGradient(let from, let to, let stops):
            return .linearGradient(
                from: ScenePoint(x: from.x, y: from.y + dy), to: ScenePoint(x: to.x, y: to.y + dy),
                stops: stops.map { GradientStop($0.offset, $0.color.withAlpha($0.color.alpha * a)) })
        }
    }
}
