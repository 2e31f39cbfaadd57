import Foundation
import Model

/// Where the queue database lives when `--db` is not given.
///
/// `WIREROOM_DB` names the file; otherwise it is `queue.sqlite` in the state directory:
/// `WIREROOM_STATE_DIR`, else systemd's `STATE_DIRECTORY` (set by `StateDirectory=`), else
/// `/var/lib/wireroom` for root, else `$XDG_STATE_HOME/wireroom` (`~/.local/state/wireroom`).
public enum QueueLocation {
    public static func defaultDatabasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["WIREROOM_DB"], !path.isEmpty { return path }
        return (stateDirectory(environment: environment) as NSString).appendingPathComponent("queue.sqlite")
    }

    public static func stateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["WIREROOM_STATE_DIR"], !dir.isEmpty { return dir }
        // systemd may list several directories separated by colons; the first is ours.
        if let dirs = environment["STATE_DIRECTORY"], let first = dirs.split(separator: ":").first { return String(first) }
        if getuid() == 0 { return "/var/lib/wireroom" }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/wireroom" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state/wireroom"
    }
}
