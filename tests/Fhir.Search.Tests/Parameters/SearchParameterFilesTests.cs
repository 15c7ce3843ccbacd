using Fhir.Search.Parameters;

namespace Fhir.Search.Tests.Parameters;

public sealed class SearchParameterFilesTests : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-jobs-spfiles-" + Guid.NewGuid().ToString("N"));

    public SearchParameterFilesTests() => Directory.CreateDirectory(System.IO.Path.Combine(_folder, "nested", "deeper"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(string relative, string text) => File.WriteAllText(System.IO.Path.Combine(_folder, relative), text);

    [Fact]
    public void Finds_SearchParameters_in_nested_folders_and_inside_Bundles_and_skips_everything_else()
    {
        Write("a-sp.json", CustomParameters.Gene());
        Write(System.IO.Path.Combine("nested", "deeper", "bundle.json"),
            $$$"""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"}},{"resource":{{{CustomParameters.Gene().Replace("test-gene", "bundled")}}}}]}""");
        Write(System.IO.Path.Combine("nested", "profile.json"), """{"resourceType":"StructureDefinition","url":"http://x"}""");
        Write(System.IO.Path.Combine("nested", "broken.json"), "{ not json");
        Write("notes.txt", CustomParameters.Gene());

        var found = SearchParameterFiles.Read(_folder, out var unreadable);

        Assert.Equal(2, found.Count);
        Assert.EndsWith("a-sp.json", found[0].Source);
        Assert.EndsWith("bundle.json#entry[1]", found[1].Source);
        Assert.Equal("bundled", found[1].Resource.GetProperty("code").GetString());
        Assert.EndsWith("broken.json", Assert.Single(unreadable));
    }

    [Fact]
    public void A_missing_folder_has_no_parameters()
    {
        Assert.Empty(SearchParameterFiles.Read(System.IO.Path.Combine(_folder, "absent"), out var unreadable));
        Assert.Empty(unreadable);
    }
}
