namespace Fhir.Server.Bulk;

/// <summary>The two folders of bulk work: export files (<see cref="ExportOptions.Path"/>) and import uploads and reports (<see cref="ImportOptions.Path"/>).</summary>
/// <param name="Export">The export files.</param>
/// <param name="Import">The import uploads and error files.</param>
internal sealed record BulkFolders(BulkFiles Export, BulkFiles Import);
