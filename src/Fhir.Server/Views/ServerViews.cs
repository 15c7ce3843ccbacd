using System.Collections.Frozen;
using System.Text.Json;
using Fhir.Views;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Views;

/// <summary>
/// The ViewDefinitions a server offers by reference: those in the profiles folder's <c>views/</c> (the trial's), found by
/// <c>ViewDefinition/[id]</c> (the file name, or the view's <c>id</c> or <c>name</c>) or by canonical <c>url</c>. Read
/// once, when first asked for. ViewDefinition is not an R4 resource type, so views a client wants to keep on the server go
/// in a Binary (<c>viewReference=Binary/[id]</c>), read through the client's gate like any resource.
/// </summary>
internal sealed class ServerViews(FhirServerOptions options, ILogger<ServerViews> logger)
{
    private FrozenDictionary<string, byte[]>? _views;

    /// <summary>The JSON of the view <paramref name="key"/> (an id, a name or a canonical URL, <c>|version</c> ignored), or null.</summary>
    public byte[]? Find(string key)
    {
        var views = _views ??= Load();
        var bar = key.IndexOf('|');
        return views.GetValueOrDefault(bar < 0 ? key : key[..bar]);
    }

    private FrozenDictionary<string, byte[]> Load()
    {
        var views = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (options.ResolvedProfilesPath() is not { } profiles || !Directory.Exists(System.IO.Path.Combine(profiles, "views")))
        {
            return views.ToFrozenDictionary();
        }
        foreach (var file in Directory.EnumerateFiles(System.IO.Path.Combine(profiles, "views"), "*.json").Order(StringComparer.Ordinal))
        {
            var json = File.ReadAllBytes(file);
            if (!ViewDefinition.Parse(json).IsSuccess)
            {
                logger.LogWarning("Skipped the view {File}: it does not compile", file);
                continue;
            }
            views.TryAdd(System.IO.Path.GetFileNameWithoutExtension(file), json);
            using var document = JsonDocument.Parse(json);
            foreach (var name in new[] { "id", "name", "url" })
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                {
                    views.TryAdd(text, json);
                }
            }
        }
        return views.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
