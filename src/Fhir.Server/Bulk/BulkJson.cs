using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fhir.Server.Bulk;

/// <summary>How bulk jobs keep their requests and cursors in the job table: camel-case JSON, nulls left out.</summary>
internal static class BulkJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException($"An empty {typeof(T).Name}.");
}
