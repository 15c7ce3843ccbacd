using System.Globalization;
using Fhir.Storage;

namespace Fhir.Server.Http;

/// <summary>Relative URLs of stored versions, as FHIR puts them in Location headers and Bundle responses.</summary>
internal static class Locations
{
    /// <summary><c>Patient/123/_history/2</c>.</summary>
    public static string Of(ResourceVersion version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version.Type}/{version.Id}/_history/{version.VersionId}");
}
