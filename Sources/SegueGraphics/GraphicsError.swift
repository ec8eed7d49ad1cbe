/// What can go wrong while drawing or writing an image.
public enum GraphicsError: Error, Equatable, CustomStringConvertible {
    /// Cairo could not create a surface of this size (usually out of memory).
    case surfaceCreationFailed(width: Int, height: Int, status: String)
    /// Writing an image file failed.
    case writeFailed(path: String, reason: String)
    /// An image file could not be read or decoded.
    case unreadableImage(path: String, reason: String)
    /// The output file extension is not one this renderer writes.
    case unsupportedImageFormat(String)

    public var description: String {
        switch self {
        case .surfaceCreationFailed(let w, let h, let status):
            return "could not create a \(w)x\(h) drawing surface (\(status)); try a smaller size"
        case .writeFailed(let path, let reason):
            return "could not write \(path): \(reason). Check that the folder exists and is writable"
        case .unreadableImage(let path, let reason):
            return "could not read image \(path): \(reason)"
        case .unsupportedImageFormat(let ext):
            return "unsupported image format '\(ext)': use .png, .jpg or .svg"
        }
    }
}
