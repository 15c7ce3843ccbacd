using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation;
using Fhir.Validation.Conformance;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Validation;

/// <summary>
/// The server's validation: the conformance resources it knows (the R4 core, the trial's
/// <c>profiles/</c> folder with the packages in it, <c>Fhir:Packages</c>, and conformance resources
/// written through the API, which take effect at once) and the validator over them. Every write is
/// validated against the base definition, its declared profiles and the profiles its type requires.
/// </summary>
internal sealed class ServerValidation
{
    private readonly ValidationSettings _settings;

    // What each stored conformance resource (type, id) put in force, by canonical URL (|version), so that an update that
    // changes it, or a delete, takes the old one out.
    private readonly Dictionary<(string Type, string Id), string> _applied = [];
    private readonly ILogger<ServerValidation> _logger;

    public ServerValidation(FhirServerOptions options, ValidationSettings settings, ILogger<ServerValidation> logger)
    {
        _settings = settings;
        _logger = logger;
        var builder = new ConformanceSetBuilder();
        if (options.ResolvedProfilesPath() is { } profiles)
        {
            builder.AddDefinitions(profiles);
        }
        foreach (var package in options.Packages)
        {
            builder.AddPackage(package);
        }
        Conformance = builder.Build();
        foreach (var issue in Conformance.LoadIssues)
        {
            // Once per process: what could not be loaded (errors), and notes such as a package dependency that is missing.
            var level = issue.IsError ? LogLevel.Error : issue.Severity == IssueSeverity.Warning ? LogLevel.Warning : LogLevel.Information;
            if (issue.Expression is null)
            {
                logger.Log(level, "Conformance resources: {Message}", issue.Message);
            }
            else
            {
                logger.Log(level, "Conformance resources: {Message} (at {Where})", issue.Message, issue.Expression);
            }
        }
        Validator = new ResourceValidator(Conformance, new ValidationOptions
        {
            UnknownProfileSeverity = settings.UnknownProfile,
            UnknownExtensionSeverity = settings.UnknownExtension,
            CheckBestPractice = settings.BestPractice == BestPracticeChecks.Warning,
        });
        // A StructureDefinition, ValueSet or CodeSystem changed: compiled plans and expansions may be stale.
        Conformance.Changed += (_, _) => Validator.InvalidateAll();
    }

    /// <summary>The conformance resources validation reads.</summary>
    public ConformanceSet Conformance { get; }

    /// <summary>The validator.</summary>
    public ResourceValidator Validator { get; }

    /// <summary>Validates <paramref name="resource"/> against its base, declared and required profiles, plus <paramref name="extraProfiles"/>.</summary>
    public ValidationResult Validate(ElementNode resource, IReadOnlyList<string>? extraProfiles = null)
    {
        var required = _settings.RequiredProfiles.TryGetValue(resource.Type.Name, out var list) ? list : null;
        IReadOnlyList<string>? profiles = (required, extraProfiles) switch
        {
            (null, _) => extraProfiles,
            (_, null) => required,
            _ => [.. required, .. extraProfiles],
        };
        return Validator.Validate(resource, profiles);
    }

    /// <summary>
    /// True for the resource types that change what validation checks: profiles, terminology, and questionnaires (a
    /// QuestionnaireResponse is validated against the Questionnaire its <c>questionnaire</c> names).
    /// </summary>
    public static bool ChangesValidation(string type) => type is "StructureDefinition" or "ValueSet" or "CodeSystem" or "Questionnaire";

    /// <summary>
    /// Takes a committed conformance resource into use, or out of it: <paramref name="json"/> is its current version, null
    /// when it was deleted. A version that replaces one with another canonical URL or version takes the old one out. One
    /// that cannot be used (a StructureDefinition whose differential has no valid snapshot) stays stored but out of force,
    /// and is logged. Returns false in that case. Called after this process's own writes and for every other process's
    /// (<see cref="Cluster.SharedDefinitions"/>); applying the same version twice changes nothing.
    /// </summary>
    /// <param name="type">The resource type.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="json">Its current version; null when deleted.</param>
    /// <param name="definitions">The definitions to parse it with.</param>
    /// <param name="quiet">Leaves a failure unlogged (start-up tries again once other resources are in).</param>
    public bool Apply(string type, string id, ReadOnlyMemory<byte>? json, Fhir.Core.Definitions.FhirDefinitions definitions, bool quiet = false)
    {
        lock (_applied)
        {
            var key = (type, id);
            var before = _applied.GetValueOrDefault(key);
            var resource = json is { } bytes ? Fhir.Core.Json.FhirJsonReader.Parse(bytes.Span, definitions: definitions).Resource : null;
            var canonical = resource?.GetString("url") is { } url ? Canonical(url, resource.GetString("version")) : null;
            if (before is not null && before != canonical)
            {
                Conformance.Remove(before);
                _applied.Remove(key);
            }
            if (resource is null || canonical is null)
            {
                return true;
            }
            var issues = Conformance.Add(resource);
            foreach (var issue in issues.Where(i => i.IsError && !quiet))
            {
                _logger.LogWarning("{Type}/{Id} is stored but not used for validation: {Message} (at {Where})", type, id, issue.Message, issue.Expression ?? type);
            }
            if (issues.Any(i => i.IsError))
            {
                return false;
            }
            _applied[key] = canonical;
            return true;
        }
    }

    /// <summary>The conformance resources taken from the database (written through the API) now in force.</summary>
    public int StoredInForce
    {
        get
        {
            lock (_applied)
            {
                return _applied.Count;
            }
        }
    }

    private static string Canonical(string url, string? version) => version is null ? url : url + "|" + version;
}
