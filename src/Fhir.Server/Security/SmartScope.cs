namespace Fhir.Server.Security;

/// <summary>
/// One SMART on FHIR resource scope, v2 (<c>system/Observation.rs</c>) or v1 (<c>user/*.read</c>,
/// <c>patient/Observation.write</c>). Other scopes (<c>openid</c>, <c>launch/patient</c>...) grant
/// no resource access and parse to null.
/// </summary>
/// <param name="Context">patient, user or system.</param>
/// <param name="ResourceType">The resource type, or <c>*</c> for all.</param>
/// <param name="Permissions">What the scope allows on that type.</param>
internal sealed record SmartScope(ScopeContext Context, string ResourceType, Permissions Permissions)
{
    /// <summary>Parses one scope; null when it is not a resource scope or is malformed.</summary>
    /// <remarks>
    /// Granular v2 scopes with a query (<c>patient/Observation.rs?category=laboratory</c>) are not
    /// supported and grant nothing: least privilege rather than a wider grant than was asked for.
    /// </remarks>
    public static SmartScope? Parse(string scope)
    {
        var slash = scope.IndexOf('/');
        var dot = scope.LastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == scope.Length - 1 || scope.Contains('?'))
        {
            return null;
        }
        ScopeContext? context = scope[..slash] switch
        {
            "patient" => ScopeContext.Patient,
            "user" => ScopeContext.User,
            "system" => ScopeContext.System,
            _ => null,
        };
        var type = scope[(slash + 1)..dot];
        var permissions = ParsePermissions(scope[(dot + 1)..]);
        if (context is null || permissions == Permissions.None || (type != "*" && !IsTypeName(type)))
        {
            return null;
        }
        return new SmartScope(context.Value, type, permissions);
    }

    /// <summary>The resource scopes among space-separated <paramref name="scopes"/>.</summary>
    public static IReadOnlyList<SmartScope> ParseAll(string? scopes)
    {
        var parsed = new List<SmartScope>();
        foreach (var scope in (scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Parse(scope) is { } s)
            {
                parsed.Add(s);
            }
        }
        return parsed;
    }

    /// <summary>True when this scope covers everything <paramref name="other"/> grants.</summary>
    public bool Covers(SmartScope other) =>
        Context == other.Context
        && (ResourceType == "*" || ResourceType == other.ResourceType)
        && (Permissions & other.Permissions) == other.Permissions;

    private static Permissions ParsePermissions(string text)
    {
        switch (text)
        {
            case "read": return Permissions.Read | Permissions.Search; // v1
            case "write": return Permissions.Create | Permissions.Update | Permissions.Delete;
            case "*": return Permissions.All;
        }
        // v2: a non-empty subsequence of "cruds", in that order.
        var permissions = Permissions.None;
        var position = 0;
        foreach (var ch in text)
        {
            var index = "cruds".IndexOf(ch, position);
            if (index < 0)
            {
                return Permissions.None;
            }
            permissions |= (Permissions)(1 << index);
            position = index + 1;
        }
        return permissions;
    }

    private static bool IsTypeName(string type) =>
        type.Length > 0 && char.IsAsciiLetterUpper(type[0]) && type.All(char.IsAsciiLetterOrDigit);
}
