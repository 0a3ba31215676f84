import ArgumentParser
import Foundation
import LAMAgent

/// `lam chat`: an interactive agent session.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a model that can call tools; text, calls and results show as they happen.",
        discussion: """
            Commands: /tools (list the tools), /reset (forget the conversation), /save FILE (JSONL transcript), /quit.
            Example:
              lam chat --endpoint http://localhost:8080/v1 -m xLAM-2-1b-fc-r --mcp 'python todo_server.py'
            """)

    @OptionGroup var options: AgentOptions

    func run() async throws {
        let session = try await AgentSession(options: options)
        if let resume = options.resume {
            await session.agent.restore(try Transcript.load(from: URL(fileURLWithPath: resume)))
        }
        let printer = TrajectoryPrinter()
        print("\(session.agent.tools.count) tools. /tools, /reset, /save FILE, /quit")
        while true {
            FileHandle.standardOutput.write(Data("> ".utf8))
            guard let line = await readLineOffThePool() else { break }
            let input = line.trimmingCharacters(in: .whitespaces)
            if input.isEmpty { continue }
            if input == "/quit" || input == "/exit" { break }
            if input == "/tools" {
                for tool in session.agent.tools {
                    let mark = tool.hasSideEffects ? " (asks first)" : ""
                    print("  \(tool.definition.name)\(mark): \(tool.definition.description ?? "")")
                }
            } else if input == "/reset" {
                await session.agent.reset()
                print("(conversation cleared)")
            } else if input.hasPrefix("/save") {
                let path = input.dropFirst("/save".count).trimmingCharacters(in: .whitespaces)
                guard !path.isEmpty else { print("usage: /save FILE"); continue }
                do {
                    try Transcript.save(await session.agent.messages, to: URL(fileURLWithPath: path))
                    print("(saved to \(path))")
                } catch {
                    print("cannot save: \(error)")
                }
            } else if input.hasPrefix("/") {
                print("unknown command \(input): /tools, /reset, /save FILE, /quit")
            } else {
                do {
                    try await session.agent.run(input, events: printer.print)
                } catch {
                    // The model failed (the printer showed it); the session goes on.
                }
            }
        }
        if let save = options.save { try Transcript.save(await session.agent.messages, to: URL(fileURLWithPath: save)) }
        await session.close()
    }
}
