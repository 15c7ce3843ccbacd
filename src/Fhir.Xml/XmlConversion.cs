using Fhir.Core.Outcomes;

namespace Fhir.Xml;

/// <summary>
/// What <see cref="FhirXmlReader"/> made of an XML text: the resource as FHIR JSON (null when the XML could not be read)
/// and the issues found in the XML itself. The JSON is meant for <c>FhirJsonReader</c>, which checks the content
/// (unknown elements, cardinality of the JSON shapes, primitive values) as it does for a JSON body.
/// </summary>
/// <param name="Json">The resource as UTF-8 FHIR JSON, or null.</param>
/// <param name="Issues">Errors of the XML form (well-formedness, DTDs, namespaces, attributes, text content), in document order.</param>
public sealed record XmlConversion(byte[]? Json, IReadOnlyList<Issue> Issues)
{
    /// <summary>True when JSON was produced and no issue is an error.</summary>
    public bool IsSuccess => Json is not null && !Issues.Any(i => i.IsError);
}
