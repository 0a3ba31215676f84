import Foundation
import LAMAgent
import LAMEngine
import LAMJSON
import LAMTestSupport
import Testing

/// The agent on a real model (Qwen2.5-Coder 0.5B, in process, greedy): a task that takes two dependent tool steps,
/// since the second tool needs a value only the first one returns.
@Suite struct EndToEndTests {
    struct CustomerQuery: Codable, Sendable, ToolSchemaDescribed {
        var email: String
        static let fieldDescriptions = ["email": "The customer's email address"]
    }

    struct OrdersQuery: Codable, Sendable, ToolSchemaDescribed {
        var customer_id: String
        static let fieldDescriptions = ["customer_id": "The id find_customer returned, e.g. C-1"]
    }

    struct Order: Codable, Sendable {
        var order_id: String
        var item: String
        var status: String
    }

    @Test func twoDependentStepsThenAnAnswer() async throws {
        let findCustomer = try SwiftTool(
            name: "find_customer", description: "Look up a customer by email; returns the customer id."
        ) { (query: CustomerQuery) -> String in
            query.email.lowercased() == "ada@example.com" ? "C-7731" : "no customer with email \(query.email)"
        }
        let listOrders = try SwiftTool(
            name: "list_orders", description: "List a customer's orders by customer id."
        ) { (query: OrdersQuery) -> [Order] in
            guard query.customer_id == "C-7731" else { throw ToolFailure("unknown customer id \(query.customer_id)") }
            return [Order(order_id: "O-552", item: "mechanical keyboard", status: "shipped")]
        }
        let engine = Engine(model: try LoadedModel.load(path: try TestModel.qwen05b.path()), contextSize: 4096)
        let log = EventLog()
        let agent = try Agent(
            model: EngineModel(engine: engine, maxTokens: 256), tools: [findCustomer, listOrders],
            limits: AgentLimits(maximumSteps: 5, toolTimeout: .seconds(10)))
        let outcome = try await agent.run(
            "What is the status of the order of the customer with email ada@example.com?", events: log.record)

        let calls = log.events.compactMap { event -> AgentToolCall? in
            if case .call(let call) = event { call } else { nil }
        }
        let trajectory = log.events.map { "\($0)" }.joined(separator: "\n")
        #expect(calls.map(\.name) == ["find_customer", "list_orders"], "\(trajectory)")
        #expect(calls.last.flatMap { try? JSONValue(parsing: $0.arguments) }?["customer_id"] == "C-7731")
        #expect(!log.events.contains { if case .result(_, _, _, true) = $0 { true } else { false } })
        #expect(outcome.stop == .answered, "\(trajectory)")
        #expect(outcome.answer.localizedCaseInsensitiveContains("shipped"), "\(outcome.answer)")
    }
}
