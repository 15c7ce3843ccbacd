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
            logger.Log(issue.IsError ? LogLevel.Error : LogLevel.Information, "Conformance resources: {Message} ({Where})", issue.Message, issue.Expression);
        }
        Validator = new ResourceValidator(Conformance, new ValidationOptions
        {
            UnknownProfileSeverity = settings.UnknownProfile,
            UnknownExtensionSeverity = settings.UnknownExtension,
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
    /// Takes committed conformance resources into use. One that cannot be used (a StructureDefinition
    /// whose differential has no valid snapshot) stays stored but out of force, and is logged.
    /// </summary>
    public void Accept(IEnumerable<Storage.ResourceWrite> writes, Fhir.Core.Definitions.FhirDefinitions definitions)
    {
        foreach (var write in writes)
        {
            var resource = Fhir.Core.Json.FhirJsonReader.Parse(write.Json.Span, definitions: definitions).Resource;
            var issues = resource is null ? [] : Conformance.Add(resource);
            foreach (var issue in issues.Where(i => i.IsError))
            {
                _logger.LogWarning("{Type}/{Id} is stored but not used for validation: {Message} ({Where})", write.Type, write.Id, issue.Message, issue.Expression);
            }
        }
    }
}
