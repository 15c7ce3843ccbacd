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
        var resource = new FhirXmlDeserializer().DeserializeResource(xml);
        return new FhirJsonSerializer().SerializeToString(resource);
    }
}
