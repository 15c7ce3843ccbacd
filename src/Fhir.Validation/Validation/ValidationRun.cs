using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Terminology;

namespace Fhir.Validation.Validation;

/// <summary>
/// One validation: walks an instance tree against the plans of its base definitions and profiles, collecting issues.
/// Base mode walks every node against the definitions of its types (the complete check of the resource's structure);
/// profile mode walks only what a profile's snapshot unrolls, on top of the base walk.
/// </summary>
internal sealed partial class ValidationRun
{
    private const int MaxNesting = 8;

    private readonly ValidatorCore _core;
    private List<Issue> _issues = [];
    private HashSet<(ElementNode, string)>? _checkedBindings;
    private int _nesting;

    public ValidationRun(ValidatorCore core)
    {
        _core = core;
    }

    public List<Issue> Issues => _issues;

    private PlanCache Plans => _core.Plans;

    private LocalTerminology Terminology => _core.Terminology;

    private ValidationOptions Options => _core.Options;

    /// <summary>Validates a resource (the root, a contained resource or a Bundle entry) against its base definition and profiles.</summary>
    public void Resource(ElementNode resource, ElementNode? container, IReadOnlyList<string>? extraProfiles)
    {
        var basePlan = Plans.Type(resource.Type.Name);
        if (basePlan is null)
        {
            Add(IssueSeverity.Error, IssueType.NotSupported, $"No definition of the resource type '{resource.Type.Name}' is available.", resource);
            return;
        }
        var scope = new ResourceScope(resource, container ?? resource, _core);
        Element(resource, basePlan.Root, Mode.Base, scope, typeConstraintsDone: null);
        if (resource.Child("meta") is { } meta)
        {
            foreach (var profile in meta.ChildrenNamed("profile"))
            {
                if (profile.Value is string url)
                {
                    Profile(resource, url, scope, profile);
                }
            }
        }
        if (extraProfiles is not null)
        {
            foreach (var url in extraProfiles)
            {
                Profile(resource, url, scope, declaredAt: null);
            }
        }
        switch (resource.Type.Name)
        {
            case "Bundle":
                Bundle(resource);
                break;
            case "QuestionnaireResponse":
                QuestionnaireResponse(resource);
                break;
            case "StructureDefinition":
                StructureDefinition(resource);
                break;
        }
    }

    private void Profile(ElementNode resource, string url, ResourceScope scope, ElementNode? declaredAt)
    {
        var plan = Plans.Get(url);
        if (plan is null)
        {
            Add(Options.UnknownProfileSeverity, IssueType.NotSupported,
                $"Profile '{url}' is not known, so the resource was not checked against it.", declaredAt ?? resource);
            return;
        }
        if (!plan.IsConstraint && plan.Type == resource.Type.Name)
        {
            return; // the base definition, checked already
        }
        if (!resource.Type.IsA(plan.Type))
        {
            Add(IssueSeverity.Error, IssueType.Structure,
                $"Profile '{url}' is for {plan.Type} resources, not {resource.Type.Name}.", declaredAt ?? resource);
            return;
        }
        Element(resource, plan.Root, Mode.Profile, scope, typeConstraintsDone: null);
    }

    /// <summary>Validates a node against a profile in a separate issue list: true when it gives no errors.</summary>
    internal bool ConformsQuietly(ElementNode node, StructurePlan plan, ResourceScope? scope)
    {
        if (_nesting >= MaxNesting)
        {
            return true; // a reference loop: do not recurse forever
        }
        var saved = _issues;
        _issues = [];
        _nesting++;
        try
        {
            if (node.IsResource)
            {
                var container = scope?.Resource ?? node;
                var inner = new ResourceScope(node, ReferenceEquals(container, node) ? node : scope!.Container, _core);
                if (!plan.IsConstraint)
                {
                    Resource(node, inner.Container, extraProfiles: null);
                }
                else
                {
                    Resource(node, inner.Container, [plan.Url]);
                }
            }
            else
            {
                var inner = scope ?? new ResourceScope(Root(node), Root(node), _core);
                Element(node, plan.Root, plan.IsConstraint ? Mode.Profile : Mode.Base, inner, typeConstraintsDone: null);
            }
            foreach (var issue in _issues)
            {
                if (issue.IsError)
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            _nesting--;
            _issues = saved;
        }
    }

    private static ElementNode Root(ElementNode node)
    {
        var n = node;
        while (n.Parent is not null && !n.IsResource)
        {
            n = n.Parent;
        }
        return n;
    }

    private void Add(IssueSeverity severity, IssueType code, string message, ElementNode at) =>
        _issues.Add(new Issue(severity, code, message, at.Location));

    private void Add(IssueSeverity severity, IssueType code, string message, string expression) =>
        _issues.Add(new Issue(severity, code, message, expression));

    private enum Mode { Base, Profile }
}
