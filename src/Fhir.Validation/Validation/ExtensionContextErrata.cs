namespace Fhir.Validation.Validation;

/// <summary>
/// Contexts of use that HL7 has adopted for extensions after the newest extensions package the registry serves
/// (<c>hl7.fhir.uv.extensions.r4</c> 5.3.0-ballot-tc1), and that published implementation guides already rely on. Each
/// entry names its source; an entry goes when a committed extensions package carries it.
/// </summary>
internal static class ExtensionContextErrata
{
    private static readonly Dictionary<string, ExtensionContext[]> Added = new(StringComparer.Ordinal)
    {
        // FHIR-56196 (HL7/fhir-extensions pull request 252): SearchParameter elements join the context of the conformance
        // expectation, as US Core and AU Core use it on their SearchParameters' comparator, modifier, chain, multipleOr and multipleAnd.
        ["http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation"] =
        [
            new("element", "SearchParameter.comparator"),
            new("element", "SearchParameter.modifier"),
            new("element", "SearchParameter.chain"),
            new("element", "SearchParameter.multipleOr"),
            new("element", "SearchParameter.multipleAnd"),
        ],
    };

    /// <summary>The contexts of the extension <paramref name="url"/> as its definition gives them, plus the adopted ones.</summary>
    public static ExtensionContext[] With(string url, List<ExtensionContext> contexts)
    {
        if (contexts.Count > 0 && Added.TryGetValue(url, out var added))
        {
            foreach (var context in added)
            {
                if (!contexts.Contains(context))
                {
                    contexts.Add(context);
                }
            }
        }
        return [.. contexts];
    }
}
