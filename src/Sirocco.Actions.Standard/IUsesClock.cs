namespace Sirocco.Actions.Standard;

/// <summary>An action that waits: the provider hands it the runtime's clock, so tests may move time.</summary>
public interface IUsesClock
{
    /// <summary>The clock to wait on.</summary>
    TimeProvider Clock { get; set; }
}
