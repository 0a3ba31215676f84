import Foundation

extension TestModel {
    /// gemma3 is optional in scripts/fetch-models, so tests use it only when asked:
    /// `SWIFTLAM_OPTIONAL_MODELS=1` (after `scripts/fetch-models gemma3`).
    public static var optionalModelsEnabled: Bool {
        ProcessInfo.processInfo.environment["SWIFTLAM_OPTIONAL_MODELS"] == "1"
    }

    /// `required` plus, when optional models are enabled, `optional`.
    public static func including<T>(_ required: [T], optional: [T]) -> [T] {
        optionalModelsEnabled ? required + optional : required
    }
}
