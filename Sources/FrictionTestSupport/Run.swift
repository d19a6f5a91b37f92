import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a child process did: exit status, output, and its own peak resident memory.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// Peak RSS of the child alone, in bytes: the VmHWM friction reports with FRICTION_PEAK_RSS
    /// (wait4's rusage of a vfork-spawned child also counts the parent's memory), else rusage.
    public var maxRSS: Int
    /// Whether the child died from a signal (a crash).
    public var signaled: Bool
    /// Peak anonymous memory (RssAnon, sampled; not mapped file pages) of the child in bytes, when it reports it.
    public var peakAnonymous: Int = 0
}

/// Runs the built `friction` executable the way a user would.
public enum FrictionBinary {
    /// The `friction` binary next to the running test bundle, else `.build/debug/friction`.
    public static let path: String = {
        let argv0 = CommandLine.arguments.first ?? ""
        var candidates: [String] = []
        if let dir = URL(fileURLWithPath: argv0).deletingLastPathComponent().path as String? {
            candidates.append(dir + "/friction")
            candidates.append(URL(fileURLWithPath: dir).deletingLastPathComponent().path + "/friction")
        }
        candidates.append(Fixtures.root.appendingPathComponent(".build/debug/friction").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    /// Runs friction with `arguments`; `environment` entries are added to (or, with nil, removed
    /// from) the current environment. Output is captured through temporary files.
    public static func run(_ arguments: [String], environment: [String: String?] = [:]) -> RunResult {
        var env = ProcessInfo.processInfo.environment
        env["FRICTION_PEAK_RSS"] = "1"
        for (key, value) in environment { env[key] = value ?? nil }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("friction-run-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outPath = tmp.appendingPathComponent("out").path
        let errPath = tmp.appendingPathComponent("err").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else {
            return RunResult(status: -1, stdout: "", stderr: "could not spawn \(path)", maxRSS: 0, signaled: false)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        var peak = usage.ru_maxrss * 1024
        var anon = 0
        var kept: [Substring] = []
        for line in err.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("friction-peak-anon: ") {
                let digits = line.dropFirst("friction-peak-anon: ".count).prefix { $0.isNumber }
                if let kb = Int(digits) { anon = kb * 1024 }
            } else if line.hasPrefix("friction-peak-rss: ") {
                let digits = line.dropFirst("friction-peak-rss: ".count).prefix { $0.isNumber }
                if let kb = Int(digits) { peak = kb * 1024 }
            } else {
                kept.append(line)
            }
        }
        return RunResult(status: exited ? (status >> 8) & 0xFF : -(status & 0x7F), stdout: out, stderr: kept.joined(separator: "\n"),
                         maxRSS: peak, signaled: !exited, peakAnonymous: anon)
    }
}
