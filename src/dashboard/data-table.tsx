/** An empty table with its column headers, for a client script to fill with rows. */

export type DataTableProps = {
	id: string;
	columns: string[];
	/** Read by screen readers only; the section heading names the table for everyone else. */
	caption?: string;
};

/**
 * A scrollable table whose body the page's script fills.
 * @example <DataTable id="jobs-table" columns={["Task", "Status"]} caption="Jobs, newest first" />
 */
export function DataTable({ id, columns, caption }: DataTableProps) {
	return (
		<div class="scroll">
			<table id={id}>
				{caption ? <caption class="visually-hidden">{caption}</caption> : null}
				<thead>
					<tr>
						{columns.map((column) => (
							<th scope="col">{column}</th>
						))}
					</tr>
				</thead>
				<tbody />
			</table>
		</div>
	);
}
