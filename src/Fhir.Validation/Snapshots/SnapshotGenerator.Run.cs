using System.Text.Json.Nodes;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Snapshots;

internal sealed partial class SnapshotGenerator
{
    /// <summary>The state of one generation: which profile, and where its problems go.</summary>
    private sealed class Run(SnapshotGenerator generator, string url, List<Issue> issues)
    {
        private SnapshotNode _root = null!;
        private (List<int> Position, string Id)? _previous;

        /// <summary>Applies one differential element: finds (or creates) its node and constrains it.</summary>
        public void Apply(SnapshotNode root, JsonObject diff, string id, string expression)
        {
            _root = root;
            var segments = ElementIds.Split(id, diff["path"]?.GetValue<string>());
            if (segments[0].Name != root.Name)
            {
                Error(IssueType.Structure, id, expression, $"the element is not inside '{root.Name}'");
                return;
            }
            if (segments.Count == 1 && diff["slicing"] is not null)
            {
                Error(IssueType.Structure, id, expression, "the root element cannot be sliced");
                return;
            }
            var node = root;
            var position = new List<int>(segments.Count);
            for (var s = 1; s < segments.Count && node is not null; s++)
            {
                var next = Step(node, segments[s], isLast: s == segments.Count - 1, id, expression);
                if (next is not null && !Locate(node, next, position))
                {
                    position.Add(SliceOffset - 1); // a node the tree does not list (cannot happen after Step): compare it last
                }
                node = next;
            }
            if (node is not null)
            {
                InOrder(position, node, id, expression);
                ElementMerger.Apply(node, diff, this.Context(id, expression));
                if (diff["type"] is JsonArray types)
                {
                    CheckTypeProfilesResolve(types, id, expression);
                    AddProfileConstraints(node);
                }
                if (node.SliceName is not null || node.Name is "extension" or "modifierExtension")
                {
                    FoldExtensionDefinition(node, diff);
                }
            }
        }

        private ElementMerger.MergeContext Context(string id, string expression) => new(url, id, expression, issues);

        private SnapshotNode? Step(SnapshotNode node, IdSegment segment, bool isLast, string id, string expression)
        {
            var children = Unfold(node, id, expression);
            if (children is null)
            {
                return null;
            }
            var child = node.Child(segment.Name) ?? TypeSliceFor(node, segment.Name) ?? ChoiceFor(node, segment.Name);
            if (child is null)
            {
                Error(IssueType.Structure, id, expression, $"there is no element '{segment.Name}' in the base at this position");
                return null;
            }
            if (segment.Slice is null)
            {
                return child;
            }
            if (FindSlice(child, segment.Slice) is { } existing)
            {
                return existing;
            }
            var owner = SliceOwner(child, segment.Slice);
            if (owner is null)
            {
                Error(IssueType.Structure, id, expression, $"the slice '{segment.Slice[..segment.Slice.LastIndexOf('/')]}' that this re-slices is not defined");
                return null;
            }
            if (owner.Element["slicing"] is null && child.Name is "extension" or "modifierExtension" && owner == child)
            {
                // Extensions are always sliced by url, whether or not the base spells it out.
                owner.Element["slicing"] = new JsonObject
                {
                    ["discriminator"] = new JsonArray(new JsonObject { ["type"] = "value", ["path"] = "url" }),
                    ["description"] = "Extensions are always sliced by (at least) url",
                    ["rules"] = "open",
                };
            }
            if (owner.Element["slicing"] is null && owner == child && child.Name.EndsWith("[x]", StringComparison.Ordinal))
            {
                // Slicing a choice by type needs no slicing definition; the snapshot states the implied one.
                owner.Element["slicing"] = new JsonObject
                {
                    ["discriminator"] = new JsonArray(new JsonObject { ["type"] = "type", ["path"] = "$this" }),
                    ["ordered"] = false,
                    ["rules"] = "open",
                };
            }
            if (owner.Element["slicing"] is null)
            {
                Error(IssueType.Structure, id, expression, $"'{segment.Name}' is not sliced: a slicing definition must come before slice '{segment.Slice}'");
                return null;
            }
            if (!isLast)
            {
                // A slice's children may only follow its entry; creating it here would hide a misspelt slice name.
                Error(IssueType.Structure, id, expression, $"slice '{segment.Slice}' is used before it is defined");
                return null;
            }
            var slice = owner.CopyOriginal();
            slice.Slices.Clear();
            var created = new SnapshotNode(slice.Name, slice.Element, (JsonObject)slice.Element.DeepClone(), inherited: false)
            {
                SliceName = segment.Slice,
                Children = slice.Children,
            };
            created.Element.Remove("slicing");
            created.Element["sliceName"] = segment.Slice;
            owner.Slices.Add(created);
            return created;
        }

        /// <summary>
        /// A differential lists its elements in the snapshot's order (children in the base's order, a sliced element's slices
        /// after it in the base's order, new slices after the inherited ones): HL7's generator refuses an element that comes
        /// back before one named earlier, and other validators then read an out-of-order slice as a new slice without the
        /// base's constraints. Positions are compared as paths of indexes through the tree.
        /// </summary>
        private void InOrder(List<int> position, SnapshotNode node, string id, string expression)
        {
            if (_previous is { } previous && Compare(position, previous.Position) < 0)
            {
                Error(IssueType.Structure, id, expression,
                    $"{(node.SliceName is null ? "the element" : $"slice '{node.SliceName}'")} is out of order: the snapshot has it before '{previous.Id}', which the differential names earlier");
                return;
            }
            _previous = (position, id);
        }

        private static int Compare(List<int> a, List<int> b)
        {
            for (var i = 0; i < a.Count && i < b.Count; i++)
            {
                if (a[i] != b[i])
                {
                    return a[i].CompareTo(b[i]);
                }
            }
            return a.Count.CompareTo(b.Count);
        }

        // Slices sort after every child of the element they slice.
        private const int SliceOffset = 1_000_000;

        /// <summary>Appends the position of <paramref name="target"/> under <paramref name="parent"/> (a child, or a slice of a child, at any depth of re-slicing).</summary>
        private static bool Locate(SnapshotNode parent, SnapshotNode target, List<int> position)
        {
            var children = parent.Children ?? [];
            for (var i = 0; i < children.Count; i++)
            {
                if (ReferenceEquals(children[i], target))
                {
                    position.Add(i);
                    return true;
                }
            }
            for (var i = 0; i < children.Count; i++)
            {
                var mark = position.Count;
                position.Add(i);
                if (LocateSlice(children[i], target, position))
                {
                    return true;
                }
                position.RemoveRange(mark, position.Count - mark);
            }
            return false;
        }

        private static bool LocateSlice(SnapshotNode sliced, SnapshotNode target, List<int> position)
        {
            for (var k = 0; k < sliced.Slices.Count; k++)
            {
                var mark = position.Count;
                position.Add(SliceOffset + k);
                if (ReferenceEquals(sliced.Slices[k], target) || LocateSlice(sliced.Slices[k], target, position))
                {
                    return true;
                }
                position.RemoveRange(mark, position.Count - mark);
            }
            return false;
        }

        /// <summary>
        /// <c>valueCodeableConcept</c> when the base already has the type slice <c>value[x]:valueCodeableConcept</c>: the two
        /// name the same thing, and constraints go to the slice.
        /// </summary>
        private static SnapshotNode? TypeSliceFor(SnapshotNode parent, string name)
        {
            foreach (var child in parent.Children ?? [])
            {
                if (child.Name.EndsWith("[x]", StringComparison.Ordinal) && name.StartsWith(child.Name[..^3], StringComparison.Ordinal)
                    && child.Slice(name) is { } slice)
                {
                    return slice;
                }
            }
            return null;
        }

        /// <summary>
        /// <c>valueQuantity</c> for <c>value[x]</c>: the choice element restricted to that one type (the R4 shorthand for a
        /// type constraint); null when the name matches no choice.
        /// </summary>
        private static SnapshotNode? ChoiceFor(SnapshotNode parent, string name)
        {
            foreach (var child in parent.Children ?? [])
            {
                if (!child.Name.EndsWith("[x]", StringComparison.Ordinal))
                {
                    continue;
                }
                var stem = child.Name[..^3];
                if (name.Length <= stem.Length || !name.StartsWith(stem, StringComparison.Ordinal))
                {
                    continue;
                }
                var suffix = name[stem.Length..];
                if (child.Element["type"] is not JsonArray types)
                {
                    continue;
                }
                var match = types.OfType<JsonObject>().FirstOrDefault(t =>
                    t["code"]?.GetValue<string>() is { Length: > 0 } code && string.Equals(code, suffix, StringComparison.OrdinalIgnoreCase)
                    && char.ToUpperInvariant(code[0]) == suffix[0]);
                if (match is null)
                {
                    continue;
                }
                var code = match["code"]!.GetValue<string>();
                child.Element["type"] = new JsonArray([.. types.OfType<JsonObject>().Where(t => t["code"]?.GetValue<string>() == code).Select(t => t.DeepClone())]);
                return child;
            }
            return null;
        }

        /// <summary>The children of a node, unfolding its type (or content reference) the first time they are needed.</summary>
        private List<SnapshotNode>? Unfold(SnapshotNode node, string id, string expression)
        {
            if (node.Children is { Count: > 0 })
            {
                return node.Children;
            }
            if (node.Element["contentReference"]?.GetValue<string>() is { } reference)
            {
                var target = FindByPath(reference.TrimStart('#'));
                if (target?.Children is null)
                {
                    Error(IssueType.Structure, id, expression, $"the content reference '{reference}' does not resolve");
                    return null;
                }
                node.Children = [.. target.Children.Select(c => c.CopyOriginal())];
                return node.Children;
            }
            var types = (node.Element["type"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var codes = types.Select(t => t["code"]?.GetValue<string>()).Distinct().ToList();
            if (codes.Count != 1 || codes[0] is not { } code)
            {
                Error(IssueType.Structure, id, expression,
                    codes.Count == 0 ? "the element has no type to look inside" : $"the element has several types ({string.Join(", ", codes)}); constrain it to one before constraining inside it");
                return null;
            }
            var profile = types[0]["profile"] is JsonArray { Count: > 0 } profiles ? profiles[0]!.GetValue<string>() : null;
            var definition = (profile is null ? null : generator.FindStructure(profile))
                ?? generator.FindStructure(code.Contains(':', StringComparison.Ordinal) ? code : CoreTypeBase + code);
            if (definition is null || Elements(definition, "snapshot") is not { Count: > 0 } elements)
            {
                Error(IssueType.NotFound, id, expression, $"the definition of type '{profile ?? code}' is not available");
                return null;
            }
            node.Children = BuildTree(elements).Children ?? [];
            return node.Children;
        }

        private SnapshotNode? FindByPath(string path)
        {
            var parts = path.Split('.');
            if (parts[0] != _root.Name)
            {
                return null;
            }
            var node = _root;
            for (var i = 1; i < parts.Length && node is not null; i++)
            {
                node = node.Child(parts[i]);
            }
            return node;
        }

        /// <summary>A type profile that does not resolve cannot be checked (instances are then checked against the type alone): say so at load.</summary>
        private void CheckTypeProfilesResolve(JsonArray types, string id, string expression)
        {
            foreach (var profile in types.OfType<JsonObject>().SelectMany(t => (t["profile"] as JsonArray) ?? []).Select(p => p?.GetValue<string>()).OfType<string>())
            {
                if (generator.FindStructure(profile) is null)
                {
                    issues.Add(Issue.Warning(IssueType.NotFound,
                        $"{url}: differential element '{id}': type profile '{profile}' is not available; only the type is checked.", expression));
                }
            }
        }

        /// <summary>An element typed with a profile (SimpleQuantity) carries the invariants of that profile's root (sqty-1) too.</summary>
        private void AddProfileConstraints(SnapshotNode node)
        {
            if (node.Element["type"] is not JsonArray { Count: 1 } types || types[0]?["profile"] is not JsonArray { Count: > 0 } profiles
                || generator.FindStructure(profiles[0]!.GetValue<string>()) is not { } profile
                || Elements(profile, "snapshot") is not { Count: > 0 } elements || elements[0]?["constraint"] is not JsonArray constraints)
            {
                return;
            }
            var list = node.Element["constraint"] as JsonArray ?? [];
            var keys = list.Select(c => c?["key"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var constraint in constraints)
            {
                if (constraint?["key"]?.GetValue<string>() is { } key && keys.Add(key))
                {
                    list.Add(constraint.DeepClone());
                }
            }
            node.Element["constraint"] = list;
        }

        /// <summary>
        /// An extension slice whose type names an extension definition takes what the differential leaves unsaid from that
        /// definition's root element: its descriptions, and its cardinality when narrower.
        /// </summary>
        private void FoldExtensionDefinition(SnapshotNode node, JsonObject diff)
        {
            if (node.Element["type"] is not JsonArray { Count: 1 } types || types[0] is not JsonObject type
                || type["code"]?.GetValue<string>() != "Extension" || type["profile"] is not JsonArray { Count: > 0 } profiles
                || generator.FindStructure(profiles[0]!.GetValue<string>()) is not { } extension
                || Elements(extension, "snapshot") is not { Count: > 0 } elements || elements[0] is not JsonObject root)
            {
                return;
            }
            foreach (var key in (string[])["short", "definition", "comment", "isModifier", "isModifierReason"])
            {
                if (diff[key] is null && root[key] is { } value)
                {
                    node.Element[key] = value.DeepClone();
                }
            }
            if (diff["max"] is null && Max(root) is { } definitionMax && (Max(node.Element) is not { } sliceMax || definitionMax < sliceMax))
            {
                node.Element["max"] = root["max"]!.DeepClone();
            }

            static int? Max(JsonObject element) =>
                int.TryParse(element["max"]?.GetValue<string>(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : null;
        }

        private void Error(IssueType type, string id, string expression, string message) =>
            issues.Add(Issue.Error(type, $"{url}: differential element '{id}': {message}.", expression));
    }
}
