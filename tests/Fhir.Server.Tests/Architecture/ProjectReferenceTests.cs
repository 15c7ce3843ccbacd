using System.Xml.Linq;

namespace Fhir.Server.Tests.Architecture;

/// <summary>Keeps the dependencies of the projects pointing one way: Core ← Xml ← Path ← Views ← Validation ← Search ← Storage ← Trials ← Server; the CLI never uses the server.</summary>
public class ProjectReferenceTests
{
    // Each project may reference only projects of a lower layer.
    // Xml (the XML wire format) needs only the model; Views (SQL on FHIR) needs only the model and FHIRPath, and the server will run views.
    private static readonly string[] Layers = ["Fhir.Core", "Fhir.Xml", "Fhir.Path", "Fhir.Views", "Fhir.Validation", "Fhir.Search", "Fhir.Storage", "Fhir.Trials", "Fhir.Server"];

    [Fact]
    public void Source_projects_reference_only_lower_layers()
    {
        foreach (var (project, references) in SourceProjects())
        {
            var layer = Array.IndexOf(Layers, project);
            foreach (var reference in references)
            {
                if (project == "Fhir.Cli")
                {
                    Assert.True(reference != "Fhir.Server", "The CLI uses the libraries, never the server.");
                    continue;
                }
                Assert.True(layer >= 0, $"{project} is not placed in a layer.");
                var target = Array.IndexOf(Layers, reference);
                Assert.True(target >= 0 && target < layer, $"{project} must not reference {reference}.");
            }
        }
    }

    [Fact]
    public void Views_depend_on_the_core_and_fhirpath_only() =>
        Assert.Equal(["Fhir.Core", "Fhir.Path"], SourceProjects().Single(p => p.Project == "Fhir.Views").References.Order());

    [Fact]
    public void The_core_depends_on_no_other_project()
    {
        Assert.Empty(SourceProjects().Single(p => p.Project == "Fhir.Core").References);
    }

    [Fact]
    public void Firelys_SDK_is_used_in_src_by_the_XML_edge_only()
    {
        var src = System.IO.Path.Combine(Repository.Root, "src");
        var users = Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories)
            .Where(file => XDocument.Load(file).Descendants("PackageReference").Any(r => r.Attribute("Include")!.Value.StartsWith("Hl7.Fhir", StringComparison.Ordinal)
                || r.Attribute("Include")!.Value.StartsWith("Firely", StringComparison.Ordinal)))
            .Select(System.IO.Path.GetFileNameWithoutExtension);
        Assert.Equal(["Fhir.Xml"], users);
    }

    private static IEnumerable<(string Project, IReadOnlyList<string> References)> SourceProjects()
    {
        var src = System.IO.Path.Combine(Repository.Root, "src");
        foreach (var file in Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => System.IO.Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
                .ToList();
            yield return (System.IO.Path.GetFileNameWithoutExtension(file), references);
        }
    }
}
