import LAMJSON

/// How to pick tokens and when to stop: the request fields that chat and text completions share. Absent fields
/// mean "the server's default". `top_k`, `min_p` and `repetition_penalty` are the llama.cpp/vLLM extensions.
public struct SamplingParameters: Sendable, Hashable {
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var minP: Double?
    public var maxTokens: Int?
    public var stop: StopSequences?
    public var seed: Int?
    public var frequencyPenalty: Double?
    public var presencePenalty: Double?
    public var repetitionPenalty: Double?

    public init(
        temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil, minP: Double? = nil, maxTokens: Int? = nil,
        stop: StopSequences? = nil, seed: Int? = nil, frequencyPenalty: Double? = nil, presencePenalty: Double? = nil,
        repetitionPenalty: Double? = nil
    ) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.minP = minP
        self.maxTokens = maxTokens
        self.stop = stop
        self.seed = seed
        self.frequencyPenalty = frequencyPenalty
        self.presencePenalty = presencePenalty
        self.repetitionPenalty = repetitionPenalty
    }

    /// The most stop sequences OpenAI accepts.
    public static let maximumStopSequences = 4

    init(reading reader: inout FieldReader) throws(FieldError) {
        temperature = try reader.number("temperature", in: 0...2)
        topP = try reader.number("top_p", in: 0...1)
        topK = try reader.integer("top_k", in: 0...Int.max)
        minP = try reader.number("min_p", in: 0...1)
        maxTokens = try reader.integer("max_tokens", in: 1...Int.max)
        stop = try reader.nested("stop", StopSequences.init(json:at:))
        seed = try reader.integer("seed")
        frequencyPenalty = try reader.number("frequency_penalty", in: -2...2)
        presencePenalty = try reader.number("presence_penalty", in: -2...2)
        repetitionPenalty = try reader.number("repetition_penalty", in: 0x1p-20...10)
    }

    func write(to builder: inout ObjectBuilder) {
        builder.set("temperature", temperature)
        builder.set("top_p", topP)
        builder.set("top_k", topK)
        builder.set("min_p", minP)
        builder.set("max_tokens", maxTokens)
        builder.set("stop", stop?.json)
        builder.set("seed", seed)
        builder.set("frequency_penalty", frequencyPenalty)
        builder.set("presence_penalty", presencePenalty)
        builder.set("repetition_penalty", repetitionPenalty)
    }
}

/// `stop`: one string or a list of up to four, kept in the form it was sent.
public enum StopSequences: Sendable, Hashable {
    case one(String)
    case list([String])

    public var sequences: [String] {
        switch self {
        case .one(let sequence): [sequence]
        case .list(let sequences): sequences
        }
    }

    init(json: JSONValue, at path: String) throws(FieldError) {
        switch json {
        case .string(let sequence):
            guard !sequence.isEmpty else { throw FieldError(field: path, problem: "a stop sequence must not be empty") }
            self = .one(sequence)
        case .array(let elements):
            guard elements.count <= SamplingParameters.maximumStopSequences else {
                throw FieldError(field: path, problem: "at most \(SamplingParameters.maximumStopSequences) stop sequences are allowed, got \(elements.count)")
            }
            var sequences: [String] = []
            for (index, element) in elements.enumerated() {
                guard case .string(let sequence) = element, !sequence.isEmpty else {
                    throw FieldError(field: "\(path)[\(index)]", problem: "expected a non-empty string")
                }
                sequences.append(sequence)
            }
            self = .list(sequences)
        default:
            throw FieldError(field: path, problem: "expected a string or an array of strings, got \(json.kindName)")
        }
    }

    var json: JSONValue {
        switch self {
        case .one(let sequence): .string(sequence)
        case .list(let sequences): .array(sequences.map(JSONValue.string))
        }
    }
}
