import ArgumentParser

/// `coordinator`: owns the job queue — feed it URLs, watch it, operate it.
public struct CoordinatorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Owns Wireroom's job queue: add URLs, watch the pipeline, operate on jobs and hosts.",
        discussion: """
            Every command works on one SQLite queue database, chosen with --db, else the WIREROOM_DB \
            environment variable, else queue.sqlite in the state directory (WIREROOM_STATE_DIR, \
            systemd's STATE_DIRECTORY, /var/lib/wireroom for root, ~/.local/state/wireroom otherwise).
            """,
        subcommands: [
            AddCommand.self, StatsCommand.self, WaitCommand.self, JobsCommand.self, RetryCommand.self,
            HostsCommand.self, PauseCommand.self, ResumeCommand.self, PurgeCommand.self, ServeCommand.self,
        ]
    )

    public init() {}
}
