using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Fhir.Validation.Tests.Support;

/// <summary>
/// FHIR XML to JSON through Firely's SDK, for the few XML definitions of HL7's validator test cases (the project reads
/// JSON only; the SDK is a test dependency, never one of <c>src/</c>).
/// </summary>
internal static class FirelyXml
{
    public static string ToJson(string xml)
    {
        Resource resource;
        try
        {
            resource = new FhirXmlDeserializer().DeserializeResource(xml);
        }
        catch (DeserializationFailedException e) when (e.PartialResult is Resource partial)
        {
            // The SDK also checks cardinality (a test profile without a name); the content is what matters here.
            resource = partial;
        }
        return new FhirJsonSerializer().SerializeToString(resource);
    }
}
