using System.Text.Json;

namespace Fhir.Views.Input;

/// <summary>Reads a resource's <c>resourceType</c> from its JSON without parsing the rest, so that resources of other types cost little.</summary>
internal static class ResourceTypeSniffer
{
    public enum Match { Same, Other, Unreadable }

    /// <summary>Whether the JSON object's <c>resourceType</c> is <paramref name="utf8Type"/>.</summary>
    public static Match Compare(ReadOnlySpan<byte> json, ReadOnlySpan<byte> utf8Type)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Match.Unreadable;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("resourceType"u8);
                if (!reader.Read())
                {
                    return Match.Unreadable;
                }
                if (isType)
                {
                    return reader.TokenType != JsonTokenType.String ? Match.Unreadable
                        : reader.ValueTextEquals(utf8Type) ? Match.Same : Match.Other;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return Match.Unreadable;
    }
}
