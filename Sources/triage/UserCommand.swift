import ArgumentParser
import Foundation
import TriageCoordinator
import TriageDomain
import TriageStorage

/// People's accounts from the coordinator's own machine: for scripts and for recovery (a
/// forgotten admin password). The command line acts as an admin (`admin:console`).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create, list, disable and enable accounts, and set their passwords.",
        subcommands: [Create.self, Passwd.self, ResetSecondFactor.self, Disable.self, Enable.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account. The password is read from the terminal (twice), or one line from stdin with --password-stdin.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The login name (letters, digits, . _ - @; kept in lower case).") var login: String
        @Option(help: "admin, dispatcher or technician.") var role: Role
        @Option(help: "The name shown on the board (default: the login).") var name: String?
        @Option(help: "Their email address.") var email: String?
        @Option(help: ArgumentHelp("The technician record a technician's account speaks for: its id.", valueName: "id"))
        var technician: Int?
        @Flag(help: "Read the password from the first line of stdin (for scripts).") var passwordStdin = false

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                let password = try readPassword(fromStdin: passwordStdin, prompt: "Password for \(login)")
                let user = try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) {
                    try await $0.accounts.create(
                        UserInput(
                            login: login, displayName: name, email: email, role: role,
                            technicianId: technician), password: password, by: .console)
                }
                print("user \(user.id) \(user.login) (\(user.role.rawValue)) created")
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's password; every session of theirs ends, and their personal tokens are revoked unless --keep-tokens."
        )
        @OptionGroup var store: StoreOptions
        @Argument(help: "The login name.") var login: String
        @Flag(help: "Read the password from the first line of stdin (for scripts).") var passwordStdin = false
        @Flag(help: "Keep their personal API tokens working (a routine change, not a leaked password).") var keepTokens = false

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                let password = try readPassword(fromStdin: passwordStdin, prompt: "New password for \(login)")
                try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) { coordinator in
                    let user = try await coordinator.accounts.user(login: login, by: .console)
                    try await coordinator.accounts.setPassword(
                        of: user.id, to: password, current: nil, keepTokens: keepTokens, by: .console)
                }
                print("password of \(login) set; their sessions have ended" + (keepTokens ? "" : " and their personal tokens are revoked"))
            }
        }
    }

    struct ResetSecondFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-second-factor",
            abstract:
                "Turn off an account's second factor (phone and recovery codes lost); they sign in with the password and set it up again.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The login name.") var login: String

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) { coordinator in
                    let user = try await coordinator.accounts.user(login: login, by: .console)
                    try await coordinator.accounts.removeSecondFactor(of: user.id, password: nil, by: .console)
                }
                print("second factor of \(login) turned off")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: its sessions end and its personal tokens stop working at once.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The login name.") var login: String

        func run() async throws { try await setActive(store, login, false) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The login name.") var login: String

        func run() async throws { try await setActive(store, login, true) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                let users = try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) {
                    try await $0.accounts.users(by: .console)
                }
                let rows =
                    [["ID", "LOGIN", "NAME", "ROLE", "TECHNICIAN", "ACTIVE", "TOTP"]]
                    + users.map {
                        [
                            String($0.id), $0.login, $0.displayName, $0.role.rawValue, $0.technicianId.map(String.init) ?? "-",
                            $0.active ? "yes" : "no", $0.totpEnabled ? "yes" : "no",
                        ]
                    }
                printTable(rows)
            }
        }
    }
}

private func setActive(_ store: StoreOptions, _ login: String, _ active: Bool) async throws {
    try await reported {
        let configuration = try store.configuration()
        try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) { coordinator in
            let user = try await coordinator.accounts.user(login: login, by: .console)
            _ = try await coordinator.accounts.setActive(user.id, active, by: .console)
        }
        print("\(login) \(active ? "enabled" : "disabled")")
    }
}

/// A password from stdin's first line, or typed twice at the terminal without echo.
private func readPassword(fromStdin: Bool, prompt: String) throws -> String {
    if fromStdin || isatty(STDIN_FILENO) == 0 {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CoordinatorError(.invalid, "password: expected one line on stdin")
        }
        return line
    }
    let first = try readHidden(prompt + ": ")
    guard try readHidden("Again: ") == first else { throw CoordinatorError(.invalid, "password: the two entries differ") }
    return first
}

private func readHidden(_ prompt: String) throws -> String {
    FileHandle.standardError.write(Data(prompt.utf8))
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
    defer {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    return readLine(strippingNewline: true) ?? ""
}
