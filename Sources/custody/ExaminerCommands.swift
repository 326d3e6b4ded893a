import ArgumentParser
import CaseStore
import Foundation
import Workbench

extension ExaminerRole: ExpressibleByArgument {}

struct ExaminerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "examiner",
        abstract: "The case's examiner roster.",
        subcommands: [ExaminerAdd.self, ExaminerList.self, ExaminerPassword.self, ExaminerToken.self, ExaminerTokens.self, ExaminerUnlock.self]
    )
}

struct ExaminerAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an examiner to the roster (ledger examiner.add). Only a supervisor may."
    )
    @Argument(help: "The new examiner's id.")
    var id: String
    @Option(help: "Full name.")
    var name: String
    @Option(help: "technician, clerk, supervisor or prosecutor (read-only).")
    var role: ExaminerRole
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON (schema custody.ledger.entry/1).")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let entry = try inCase { () throws(CaseStoreError) in try store.addExaminer(id: id, name: name, role: role, by: examiner) }
            try printEntry(entry, json: json, what: "examiner \(id) (\(role.rawValue)) added by \(examiner)")
        }
    }
}

struct ExaminerList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the roster.")
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.examiners/1).")
    var json = false

    struct Output: Encodable {
        var schema = "custody.examiners/1"
        var examiners: [ExaminerOutput]
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let all = try inCase { () throws(CaseStoreError) in try store.examiners() }
            if json {
                try printJSON(Output(examiners: all.map(ExaminerOutput.init)))
            } else {
                for x in all { print("\(x.id)\t\(x.role.rawValue)\t\(x.name)\tentry \(x.seq)") }
            }
        }
    }
}

struct ExaminerPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password",
        abstract: "Set an examiner's desk password (ledger examiner.password; the hash only, bcrypt). Your own, or anyone's as a supervisor.",
        discussion: "Asks twice without echo, or reads the environment variable --password-env names. At least 12 characters."
    )
    @Argument(help: "The examiner whose password this is.")
    var id: String
    @Option(help: ArgumentHelp("Read the password from this environment variable instead of asking.", valueName: "VAR"))
    var passwordEnv: String?
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON (schema custody.ledger.entry/1).")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let password: String
            if let passwordEnv {
                guard let value = ProcessInfo.processInfo.environment[passwordEnv], !value.isEmpty else {
                    throw CustodyFailure("--password-env \(passwordEnv): the variable is not set or empty; export it, or leave the option out to be asked")
                }
                password = value
            } else {
                let first = try PasswordPrompt.read("password for \(id): ")
                guard try PasswordPrompt.read("again: ") == first else {
                    throw CustodyFailure("the two passwords differ: run the command again and type the same password twice")
                }
                password = first
            }
            let entry = try ExaminerAccess.setPassword(password, examiner: id, by: examiner, store: store)
            try printEntry(entry, json: json, what: "password of \(id) set by \(examiner)")
        }
    }
}

/// A password typed on the terminal without echo (from a pipe, the line as given).
enum PasswordPrompt {
    static func read(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        let terminal = isatty(STDIN_FILENO) == 1
        var saved = termios()
        if terminal {
            tcgetattr(STDIN_FILENO, &saved)
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if terminal {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        guard let line = readLine(strippingNewline: true) else {
            throw CustodyFailure("no password was typed (end of input): type it at the prompt, or pass --password-env VAR")
        }
        return line
    }
}

struct ExaminerToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue a token for scripts using the desk's API (ledger examiner.token.issue), or revoke one with --revoke.",
        discussion: "The token is printed once, alone on stdout's last line; the case keeps only its SHA-256. Send it as `Authorization: Bearer TOKEN`."
    )
    @Argument(help: "The examiner the token acts for.")
    var id: String
    @Option(help: "What the token is for (shown by `examiner tokens`).")
    var label = ""
    @Option(help: ArgumentHelp("Revoke this token id (from `examiner tokens`) instead of issuing one.", valueName: "TOKEN-ID"))
    var revoke: String?
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print JSON (schema custody.token/1; the token's text under `token`, only when issued).")
    var json = false

    struct Output: Encodable {
        var schema = "custody.token/1"
        var token: TokenOutput
        var text: String?
        var entry: Int64
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            if let revoke {
                let entry = try inCase { () throws(CaseStoreError) in try store.revokeToken(id: revoke, by: examiner) }
                try printEntry(entry, json: json, what: "token \(revoke) of \(id) revoked by \(examiner)")
                return
            }
            let issued = try ExaminerAccess.issueToken(examiner: id, label: label, by: examiner, store: store)
            if json {
                try printJSON(Output(token: TokenOutput(issued.record), text: issued.token, entry: issued.entry.entry.sequence))
            } else {
                print("recorded entry \(issued.entry.entry.sequence) examiner.token.issue: token \(issued.record.id) for \(id); it is shown once:")
                print(issued.token)
            }
        }
    }
}

struct ExaminerTokens: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokens", abstract: "List the tokens' ids (never the tokens), of one examiner or all.")
    @Argument(help: "Only this examiner's tokens.")
    var id: String?
    @OptionGroup var selection: CaseSelection
    @Flag(help: "Print JSON (schema custody.tokens/1).")
    var json = false

    struct Output: Encodable {
        var schema = "custody.tokens/1"
        var tokens: [TokenOutput]
    }

    func run() throws {
        try reportingFailures {
            let store = try selection.openForReading()
            let all = try inCase { () throws(CaseStoreError) in try store.tokens(examiner: id) }
            if json {
                try printJSON(Output(tokens: all.map(TokenOutput.init)))
            } else {
                for t in all {
                    print("\(t.id)\t\(t.examiner)\t\(t.revokedSeq.map { "revoked at entry \($0)" } ?? "active")\tissued at entry \(t.seq)\t\(t.label)")
                }
            }
        }
    }
}

struct ExaminerUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Lift the lockout of an examiner after failed desk logins (ledger examiner.unlock). Only a supervisor may."
    )
    @Argument(help: "The locked-out examiner.")
    var id: String
    @OptionGroup var selection: CaseSelection
    @OptionGroup var by: ExaminerSelection
    @Flag(help: "Print the entry as JSON (schema custody.ledger.entry/1).")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try selection.open()
            let examiner = try by.id(in: store)
            let entry = try inCase { () throws(CaseStoreError) in try store.unlockExaminer(id, by: examiner) }
            try printEntry(entry, json: json, what: "examiner \(id) unlocked by \(examiner)")
        }
    }
}
