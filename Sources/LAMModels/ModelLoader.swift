import LAMModelFiles

/// Opens a model file and builds the model its metadata names.
public enum ModelLoader {
    public static func load(path: String) throws(InferenceError) -> any LanguageModel {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .modelFile("\(path): \(error)")
        }
        switch file.metadata.string("general.architecture") {
        case "qwen2": return try Qwen2.load(file)
        case "llama": return try Llama.load(file)
        case let other?: throw .unsupportedArchitecture(other)
        case nil: throw .missingMetadata("general.architecture")
        }
    }
}
