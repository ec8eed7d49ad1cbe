import Foundation

extension StoreOptions {
    /// `data`, else `$SEGUE_DATA`, else `~/.local/share/segue` (as `--data` resolves everywhere).
    static func defaultDataDirectory(_ data: String?) -> String {
        var options = StoreOptions()
        options.data = data
        return options.dataDirectory
    }
}
