import Foundation
import LAMKernels
import LAMModelFiles

/// A format float weights can be re-encoded in at load time (`--quantize`).
public enum WeightQuantization: String, Sendable, CaseIterable {
    case q8_0

    var type: GGMLType {
        switch self {
        case .q8_0: .q8_0
        }
    }
}

/// How a model is loaded.
public struct ModelLoadOptions: Sendable, Equatable {
    /// Re-encode float weight matrices (F32, F16, BF16) in this format; nil keeps them as stored. Matrices that
    /// are already quantized (in GGUF files) stay as they are.
    public var quantization: WeightQuantization?

    public init(quantization: WeightQuantization? = nil) {
        self.quantization = quantization
    }
}

/// Opens a model — a GGUF file, or a Hugging Face folder (config.json + safetensors) — and builds the model
/// its metadata names.
public enum ModelLoader {
    public static func load(path: String, options: ModelLoadOptions = ModelLoadOptions())
        throws(InferenceError) -> any LanguageModel
    {
        if isDirectory(path) {
            let folder: HFModelFolder
            do {
                folder = try HFModelFolder(path: path)
            } catch {
                throw .modelFile("\(path): \(error)")
            }
            return try load(folder, options: options)
        }
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .modelFile("\(path): \(error)")
        }
        switch file.metadata.string("general.architecture") {
        case "qwen2": return try Qwen2.load(file, options: options)
        case "llama": return try Llama.load(file, options: options)
        case let other?: throw .unsupportedArchitecture(other)
        case nil: throw .missingMetadata("general.architecture")
        }
    }

    /// Builds the model of an opened Hugging Face folder.
    public static func load(_ folder: HFModelFolder, options: ModelLoadOptions = ModelLoadOptions())
        throws(InferenceError) -> any LanguageModel
    {
        switch folder.config.architecture {
        case "Qwen2ForCausalLM": return try Qwen2.load(folder, options: options)
        case "LlamaForCausalLM": return try Llama.load(folder, options: options)
        case let other: throw .unsupportedArchitecture(other)
        }
    }

    /// Whether `path` names a directory (a Hugging Face model folder) rather than a file.
    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
