import ArgumentParser

@main
struct LAM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lam",
        abstract: "SwiftLAM: run function-calling models (xLAM-2 and friends) on your CPU.",
        version: "0.1.0",
        subcommands: [
            // Add each subcommand here, one per line, in the order `lam --help` should list them.
            InspectCommand.self,
            TokenizeCommand.self,
            TemplateCommand.self,
            GenerateCommand.self,
            CallCommand.self,
            ServeCommand.self,
            BenchCommand.self,
            MeasureCallsCommand.self,
            EvalCommand.self,
            AgentCommand.self,
            ChatCommand.self,
        ]
    )
}
