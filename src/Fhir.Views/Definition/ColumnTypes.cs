namespace Fhir.Views.Definition;

/// <summary>The FHIR primitive types a column may hold, and how each is stored.</summary>
internal static class ColumnTypes
{
    /// <summary>The storage of a FHIR primitive type; false for anything else (complex types are not columns).</summary>
    public static bool TryGetKind(string type, out ColumnKind kind)
    {
        kind = type switch
        {
            "boolean" => ColumnKind.Boolean,
            "integer" or "positiveInt" or "unsignedInt" => ColumnKind.Integer,
            "integer64" => ColumnKind.Integer64,
            "decimal" => ColumnKind.Decimal,
            _ => ColumnKind.String,
        };
        return kind != ColumnKind.String || type is "string" or "code" or "id" or "uri" or "url" or "canonical" or "oid" or "uuid"
            or "markdown" or "base64Binary" or "date" or "dateTime" or "instant" or "time" or "xhtml";
    }

    /// <summary>
    /// The FHIR type of a path's result as type checking found it (<c>FHIR.string</c>, <c>System.Integer</c>), for a column
    /// without a <c>type</c>; <c>string</c> when it is unknown, not a primitive or one of several.
    /// </summary>
    public static string FromResultType(string? resultType) => resultType switch
    {
        null => "string",
        "System.Boolean" => "boolean",
        "System.Integer" => "integer",
        "System.Long" => "integer64",
        "System.Decimal" => "decimal",
        "System.Date" => "date",
        "System.DateTime" => "dateTime",
        "System.Time" => "time",
        _ when resultType.StartsWith("FHIR.", StringComparison.Ordinal) && !resultType.Contains('|')
            && TryGetKind(resultType[5..], out _) => resultType[5..],
        _ => "string",
    };
}
