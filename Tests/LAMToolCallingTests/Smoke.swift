import Testing
import LAMTestSupport

@Test func testModelsDirectoryIsConfigured() {
    #expect(!TestModel.directory.path.isEmpty)
}
