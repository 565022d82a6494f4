import { pages, type Route } from "./fake-internet";

/** Pages the recorded provider responses cite, holding the passages they quote. */
export const RECORDED_WEB: Route = pages({
	"https://www.nrel.gov/docs/fy25osti/cold-climate-heat-pump-field-validation.pdf":
		"Field Validation of Cold-Climate Heat Pumps.\nMeasured coefficients of performance stayed above 2.0 at outdoor temperatures of -15 °C at all monitored sites.\nCold-climate air-source heat pumps kept delivering heat at outdoor temperatures of -25 °C in field trials.",
	"https://www.energy.gov/eere/buildings/cold-climate-air-source-heat-pumps":
		"Cold-climate air-source heat pumps are designed to deliver heat efficiently at outdoor temperatures below freezing.\nIn a field study of 40 homes in Minnesota and Wisconsin, the systems met the full heating load on 95% of winter hours without backup resistance heat.\nDefrost cycles reduced seasonal efficiency by about 8%.\nThe coefficient of performance dropped from about 3 at 8 °C to about 1.5 at -20 °C.",
	"https://www.iea.org/reports/the-future-of-heat-pumps":
		"Heat pumps in cold climates such as Norway and Finland already heat a large share of homes.",
	"https://www.iea.org/energy-system/buildings/heat-pumps":
		"After two years of double-digit growth, global sales of heat pumps fell by around 3% in 2023.",
	"https://www.nrel.gov/docs/fy24osti/87642.pdf":
		"Monitored cold-climate units maintained a coefficient of performance above 2 at outdoor temperatures of -15 °C.",
	"https://neep.org/heating-electrification/ccashp-specification-product-list":
		"The ccASHP Specification requires listed products to reach a COP of at least 1.75 at 5°F.",
});
