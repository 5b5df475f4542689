namespace FnSharp.Cli.Output;

/// <summary>How commands print resources: tables for people, JSON for scripts.</summary>
internal enum OutputFormat
{
    /// <summary>Aligned columns with a header row.</summary>
    Table,

    /// <summary>The API's JSON, indented.</summary>
    Json,
}
