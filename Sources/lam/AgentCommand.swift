import ArgumentParser
import Foundation
import LAMAgent
import LAMEngine
import LAMJSON
import LAMModels

/// `lam agent`: runs one task through the agent loop to its end and prints the trajectory.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run a task with tools (MCP servers, programs) until the model answers; print each step.",
        discussion: """
            Examples:
              lam agent --endpoint http://localhost:8080/v1 -m xLAM-2-1b-fc-r \\
                --mcp 'python todo_server.py' "Add 'buy milk' to my to-dos, then list them"
              lam agent --endpoint http://gpu-box:8000/v1 -m Salesforce/xLAM-2-32b-fc-r \\
                --mcp http://127.0.0.1:8001/mcp --tools tools.json --yes "…"
            """)

    @OptionGroup var options: AgentOptions

    @Argument(help: "The task.")
    var task: String

    func run() async throws {
        let session = try await AgentSession(options: options)
        do {
            if let resume = options.resume { await session.agent.restore(try Transcript.load(from: URL(fileURLWithPath: resume))) }
            let printer = TrajectoryPrinter()
            let outcome = try await session.agent.run(task, events: printer.print)
            if let save = options.save { try Transcript.save(await session.agent.messages, to: URL(fileURLWithPath: save)) }
            await session.close()
            if outcome.stop != .answered { throw ExitCode(2) }
        } catch {
            await session.close()
            throw error
        }
    }
}

/// What `lam agent` and `lam chat` share: the model, the tools and the limits.
struct AgentOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "With --endpoint: the model name the server knows. Without: a GGUF file.")
    var model: String

    @Option(help: "An OpenAI-compatible server (lam serve, vLLM, llama.cpp), e.g. http://localhost:8080/v1.")
    var endpoint: String?

    @Option(help: "API key for --endpoint (default: $OPENAI_API_KEY).")
    var apiKey: String?

    @Option(name: .customLong("mcp"), help: "An MCP server: a command line to start (stdio) or an http(s):// URL (streamable HTTP). Repeatable.")
    var mcpServers: [String] = []

    @Option(name: .customLong("tools"), help: "A JSON file of tools run as programs (OpenAI tool objects with \"command\": [...]).")
    var toolFiles: [String] = []

    @Option(help: "System prompt (the agent's policy). Default: the chat template's own.")
    var system: String?

    @Option(help: "Model replies per user turn before giving up.")
    var maxSteps = 10

    @Option(help: "Seconds a tool call may take.")
    var toolTimeout: Double = 60

    @Flag(help: "Run a call again when it repeats one that already succeeded this turn (default: send back the earlier result).")
    var rerunRepeatedCalls = false

    @Option(help: "Sampling temperature (default: greedy in process, the server's default with --endpoint).")
    var temperature: Double?

    @Option(help: "Without --endpoint: most tokens one model reply may generate.")
    var maxTokens = 1024

    @Option(help: "Without --endpoint: positions the KV cache holds (the whole conversation must fit).")
    var contextSize = 8192

    @Flag(name: .shortAndLong, help: "Run side-effecting tools without asking.")
    var yes = false

    @Option(help: "Continue the conversation saved in this JSONL transcript.")
    var resume: String?

    @Option(help: "Save the conversation as a JSONL transcript when done.")
    var save: String?

    func makeModel() throws -> any AgentModel {
        if let endpoint {
            var sampling: JSONObject = [:]
            if let temperature { sampling["temperature"] = .double(temperature) }
            return OpenAIEndpointModel(
                baseURL: endpoint, modelName: model,
                apiKey: apiKey ?? ProcessInfo.processInfo.environment["OPENAI_API_KEY"], sampling: sampling)
        }
        var sampling = SamplingParameters.greedy
        if let temperature { sampling.temperature = Float(temperature) }
        return EngineModel(
            engine: Engine(model: try LoadedModel.load(path: model), contextSize: contextSize), sampling: sampling,
            maxTokens: maxTokens)
    }
}

/// The agent with its MCP connections, which must be closed (stdio servers are child processes).
struct AgentSession {
    let agent: Agent
    let connections: [MCPServerConnection]

    init(options: AgentOptions) async throws {
        var connections: [MCPServerConnection] = []
        var tools: [any AgentTool] = []
        do {
            for server in options.mcpServers {
                let connection = server.hasPrefix("http://") || server.hasPrefix("https://")
                    ? try await MCPServerConnection.connect(url: server)
                    : try await MCPServerConnection.launch(try shellWords(server))
                connections.append(connection)
                tools += try await connection.tools() as [any AgentTool]
            }
            for file in options.toolFiles { tools += try CommandTool.load(from: URL(fileURLWithPath: file)) as [any AgentTool] }
            let ask: ToolConfirmation = { @Sendable call in await TerminalConfirmation.shared.ask(call) }
            let confirmation = options.yes ? nil : ask
            let limits = AgentLimits(
                maximumSteps: options.maxSteps, toolTimeout: .milliseconds(Int(options.toolTimeout * 1000)),
                rerunsRepeatedCalls: options.rerunRepeatedCalls)
            agent = try Agent(
                model: try options.makeModel(), tools: tools, systemPrompt: options.system, limits: limits,
                confirmation: confirmation)
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        self.connections = connections
    }

    func close() async {
        for connection in connections { await connection.close() }
    }
}

/// Asks on the terminal before a side-effecting call, one question at a time (a turn's calls run concurrently);
/// without a terminal the call is declined (use --yes).
actor TerminalConfirmation {
    static let shared = TerminalConfirmation()

    func ask(_ call: AgentToolCall) async -> Bool {
        guard isatty(STDIN_FILENO) != 0 else {
            standardError("declined \(call.name): no terminal to ask (pass --yes to allow)\n")
            return false
        }
        standardError("Run \(call.name)(\(call.arguments))? [y/N] ")
        let answer = await readLineOffThePool()?.lowercased() ?? ""
        return answer == "y" || answer == "yes"
    }
}

/// Reads a line of standard input on a Dispatch thread: waiting for the user must not hold one of the few threads
/// of Swift's cooperative pool, which MCP transports and the model need meanwhile.
func readLineOffThePool() async -> String? {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: readLine()) }
    }
}

/// Splits a command line like a shell does for simple cases: spaces separate words, quotes group them.
func shellWords(_ line: String) throws -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character? = nil
    var inWord = false
    for character in line {
        if let open = quote {
            if character == open { quote = nil } else { current.append(character) }
        } else if character == "'" || character == "\"" {
            quote = character
            inWord = true
        } else if character == " " || character == "\t" {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        } else {
            current.append(character)
            inWord = true
        }
    }
    if quote != nil { throw ValidationError("unbalanced quote in --mcp '\(line)'") }
    if inWord { words.append(current) }
    guard !words.isEmpty else { throw ValidationError("--mcp needs a command or a URL") }
    return words
}

/// Prints agent events as they happen: streamed text on stdout, calls and results marked.
struct TrajectoryPrinter: Sendable {
    func print(_ event: AgentEvent) {
        switch event {
        case .text(let text):
            write(text)
        case .call(let call):
            write("\n→ \(call.name)(\(call.arguments))\n")
        case .result(_, let name, let content, let isError):
            let shown = content.count > 2000 ? content.prefix(2000) + "…" : Substring(content)
            write("\(isError ? "✗" : "←") \(name): \(shown)\n")
        case .answer:
            write("\n")
        case .error(let message):
            FileHandle.standardError.write(Data("\nerror: \(message)\n".utf8))
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
