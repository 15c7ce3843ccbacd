using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Fhir.Server.Tests.Support;

/// <summary>
/// The FHIRPath Patch cases of <c>patch/fhir-patch-tests.xml</c> (HL7 fhir-test-cases), converted from FHIR XML to JSON:
/// an input resource, a <c>Parameters</c> diff, and either the expected output or the error the patch must raise.
/// </summary>
public static class FhirPatchSuite
{
    public const string RelativePath = "patch/fhir-patch-tests.xml";

    /// <summary>One case.</summary>
    /// <param name="Name">The case name, unique in the file.</param>
    /// <param name="Input">The resource to patch.</param>
    /// <param name="Diff">The patch.</param>
    /// <param name="Output">The expected result; null when the patch must fail.</param>
    /// <param name="Error">The error message the suite gives for a failing case.</param>
    public sealed record Case(string Name, JsonObject Input, JsonObject Diff, JsonObject? Output, string? Error);

    public static IReadOnlyList<Case> Load(string file)
    {
        // Whitespace is kept for the xhtml narrative, whose text is compared as a string.
        var document = XDocument.Load(file, LoadOptions.PreserveWhitespace);
        return [.. document.Root!.Elements("case").Select(c => new Case(
            c.Attribute("name")!.Value,
            FhirXml.ToJson(Resource(c, "input")!),
            FhirXml.ToJson(Resource(c, "diff")!),
            Resource(c, "output") is { } output ? FhirXml.ToJson(output) : null,
            c.Element("error")?.Attribute("msg")?.Value))];
    }

    private static XElement? Resource(XElement testCase, string part) => testCase.Element(part)?.Elements().SingleOrDefault();
}
